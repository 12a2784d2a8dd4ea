# The conflictgraph server as a small image; docker-compose.yml runs it
# beside Neo4j.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /conflictgraph ./cmd/conflictgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /conflictgraph /conflictgraph
EXPOSE 8080
ENTRYPOINT ["/conflictgraph"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
