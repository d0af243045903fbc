package confluent_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/twmb/franz-go/pkg/sr"
)

// BenchmarkReads measures the two reads every Confluent client makes, through the handler
// alone (no network) on SQLite: per request, the work Carta adds over writing the bytes.
func BenchmarkReads(b *testing.B) {
	e := newEnv(b)
	s, err := e.client.CreateSchema(context.Background(), "bench-value", sr.Schema{Schema: `{"type":"record","name":"P","fields":[{"name":"id","type":"string"}]}`})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/schemas/ids/" + strconv.Itoa(s.ID), "/subjects/bench-value/versions/latest"} {
		b.Run(path, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			for b.Loop() {
				w := httptest.NewRecorder()
				e.handler.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("HTTP %d: %s", w.Code, w.Body)
				}
			}
		})
	}
}
