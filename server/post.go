package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Media types a JSON POST may be answered in (GraphQL over HTTP).
const (
	mediaJSON            = "application/json"
	mediaGraphQLResponse = "application/graphql-response+json"
)

// jsonPOST is the transport for a GraphQL request sent as a JSON POST: what
// gqlgen's transport.POST does, but for how the answer is written. gqlgen
// has written the data as compact JSON already; transport.POST hands the
// response to json.Marshal, which scans the data again to compact and
// validate it, and that was 14% of the handler's time on a large answer.
// jsonPOST writes the data as it is, between the response's other members
// (the same JSON value; only "<", ">" and "&" are no longer written as
// \u escapes). checkBody has read the body and refused one too large or
// of another media type before.
type jsonPOST struct{}

var _ graphql.Transport = jsonPOST{}

// Supports takes a POST of application/json that is not a websocket upgrade.
func (jsonPOST) Supports(r *http.Request) bool {
	if r.Header.Get("Upgrade") != "" || r.Method != http.MethodPost {
		return false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == mediaJSON
}

// Do decodes the request's parameters, runs the operation and writes its
// response, in the media type the request accepts.
func (jsonPOST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	media := responseMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	start := graphql.Now()
	params := &graphql.RawParams{}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(params); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		writeResponse(w, exec.DispatchError(ctx, gqlerror.List{gqlerror.Errorf("json request body could not be decoded: %v", err)}))
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	opCtx, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		w.WriteHeader(protocolErrorStatus(media, errs))
		writeResponse(w, exec.DispatchError(graphql.WithOperationContext(ctx, opCtx), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, opCtx)
	writeResponse(w, responses(ctx))
}

// responseMedia is the media type to answer a request accepting accept in,
// as gqlgen's POST transport chooses it: application/json unless the
// request asks for application/graphql-response+json first, or accepts
// neither.
func responseMedia(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", mediaJSON:
			return mediaJSON
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// protocolErrorStatus is the status of a request refused before it ran
// (it did not parse or validate): 422 in application/json and 400 in
// application/graphql-response+json, as gqlgen answers; 200 for another
// refusal, whose status the outcome decides (withResponseStatus).
func protocolErrorStatus(media string, errs gqlerror.List) int {
	if errcode.GetErrorKind(errs) != errcode.KindProtocol {
		return http.StatusOK
	}
	if media == mediaGraphQLResponse {
		return http.StatusBadRequest
	}
	return http.StatusUnprocessableEntity
}

// writeResponse writes resp as json.Marshal would, members in the same
// order, but its data as it is. Every other member is encoded before the
// first byte is written, so that a member that cannot be encoded is an
// internal error answered in full, not a body cut off.
func writeResponse(w http.ResponseWriter, resp *graphql.Response) {
	if resp == nil {
		_, _ = w.Write([]byte("null"))
		return
	}
	head, tail, err := responseMembers(resp)
	if err != nil {
		// A value in an error's or the response's extensions that JSON
		// has no form for: a bug, which serveRecovering logs and answers
		// as an internal error, nothing written yet.
		panic(fmt.Errorf("encoding the response: %w", err))
	}
	data := []byte(resp.Data)
	if len(data) == 0 {
		data = []byte("null")
	}
	_, _ = w.Write(head)
	_, _ = w.Write(data)
	_, _ = w.Write(tail)
}

// responseMembers is the JSON of resp up to its data (`{"errors":[...],
// "data":`) and after it (its other members and the closing brace).
func responseMembers(resp *graphql.Response) (head, tail []byte, err error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		if err := member(&b, "errors", resp.Errors); err != nil {
			return nil, nil, err
		}
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	split := b.Len()
	if resp.Label != "" {
		b.WriteByte(',')
		if err := member(&b, "label", resp.Label); err != nil {
			return nil, nil, err
		}
	}
	if len(resp.Path) > 0 {
		b.WriteByte(',')
		if err := member(&b, "path", resp.Path); err != nil {
			return nil, nil, err
		}
	}
	if resp.HasNext != nil {
		b.WriteByte(',')
		if err := member(&b, "hasNext", *resp.HasNext); err != nil {
			return nil, nil, err
		}
	}
	if len(resp.Extensions) > 0 {
		b.WriteByte(',')
		if err := member(&b, "extensions", resp.Extensions); err != nil {
			return nil, nil, err
		}
	}
	b.WriteByte('}')
	out := b.Bytes()
	return out[:split], out[split:], nil
}

// member writes `"name":` and value as JSON to b.
func member(b *bytes.Buffer, name string, value any) error {
	v, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	b.WriteString(`"` + name + `":`)
	b.Write(v)
	return nil
}
