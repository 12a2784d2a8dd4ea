package ingest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// Input is a data set file opened for reading: decompressed when it is
// gzip, with how many of its bytes (as stored, compressed or not) have been
// read so far, for progress.
type Input struct {
	io.Reader
	// Name is the file's path, or "standard input".
	Name string
	// Size is the file's size as stored; -1 when unknown (standard
	// input, a pipe).
	Size int64
	// Gzip reports whether the file was gzip-compressed.
	Gzip  bool
	read  *countingReader
	close func() error
}

// gzipMagic is how every gzip stream begins (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// Open opens path for an import; "-" reads stdin. A file that starts with
// gzip's magic bytes is decompressed, whatever its name. The caller closes
// it.
func Open(path string, stdin io.Reader) (*Input, error) {
	in := &Input{Name: path, Size: -1, close: func() error { return nil }}
	var raw io.Reader
	if path == "-" {
		in.Name, raw = "standard input", stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			in.Size = fi.Size()
		}
		raw, in.close = f, f.Close
	}
	in.read = &countingReader{r: raw}
	buf := bufio.NewReaderSize(in.read, 1<<16)
	head, err := buf.Peek(len(gzipMagic))
	if err != nil && err != io.EOF {
		_ = in.close()
		return nil, fmt.Errorf("read %s: %w", in.Name, err)
	}
	in.Reader = buf
	if bytes.Equal(head, gzipMagic) {
		zr, err := gzip.NewReader(buf)
		if err != nil {
			_ = in.close()
			return nil, fmt.Errorf("%s starts like gzip but is not: %w", in.Name, err)
		}
		in.Reader, in.Gzip = zr, true
	}
	return in, nil
}

// Done returns how many bytes of the stored file have been read.
func (in *Input) Done() int64 { return in.read.n.Load() }

// Close closes the file.
func (in *Input) Close() error { return in.close() }

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
