package protobuf_test

import (
	"errors"
	"runtime"
	"testing"

	"github.com/cartaschema/carta/schema/protobuf"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"
)

// FuzzValidateBinary checks that ValidateBinary never panics, fails only with a
// *protobuf.ValidationError, allocates in proportion to its input, and that a payload it
// accepts survives a round trip: decoded and encoded again it validates, and so does its
// JSON form.
func FuzzValidateBinary(f *testing.F) {
	schemas := []*protobuf.Schema{mustParse(f, paymentProto), mustParse(f, requiredProto), mustParse(f, wideProto(20)),
		mustParse(f, `syntax = "proto2"; message G { optional group Item = 1 { optional int32 a = 2; repeated G g = 3; } repeated sint64 p = 4 [packed = true]; repeated fixed32 q = 5; }`)}
	names := []string{paymentMsg, "legacy.Order", "bench.v1.Wide", "G"}
	seeds := []string{validPaymentJSON, `{"id":"o","item":{"qty":3}}`, wideDocument(20), `{"item":{"a":1,"g":[{"p":["-5","7"],"q":[1,2]}]}}`}
	for i, s := range schemas {
		md, err := s.Message(names[i])
		if err != nil {
			f.Fatal(err)
		}
		m := dynamicpb.NewMessage(md)
		if err := (protojson.UnmarshalOptions{Resolver: resolverOf(nil, s)}).Unmarshal([]byte(seeds[i]), m); err != nil {
			f.Fatalf("seed %d: %v", i, err)
		}
		b, err := proto.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		i := int(which) % len(schemas)
		s, name := schemas[i], names[i]
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := s.ValidateBinary(name, b)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20+64*uint64(len(b)) {
			t.Fatalf("validating %d bytes allocated %d bytes", len(b), alloc)
		}
		if err != nil {
			var ve *protobuf.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not a *protobuf.ValidationError: %v", err, err)
			}
			return
		}
		md, _ := s.Message(name)
		m := dynamicpb.NewMessage(md)
		if err := (proto.UnmarshalOptions{Resolver: resolverOf(nil, s)}).Unmarshal(b, m); err != nil {
			t.Fatalf("valid, but proto.Unmarshal fails: %v", err)
		}
		again, err := proto.Marshal(m)
		if err != nil {
			t.Fatalf("valid, but proto.Marshal fails: %v", err)
		}
		if err := s.ValidateBinary(name, again); err != nil {
			t.Fatalf("% x is valid, its re-encoding % x is not: %v", b, again, err)
		}
		j, err := (protojson.MarshalOptions{Resolver: resolverOf(nil, s)}).Marshal(m)
		if err != nil {
			return // e.g. an Any whose type URL names no message of the schema
		}
		if err := s.ValidateJSON(name, j); err != nil {
			t.Fatalf("% x is valid, its JSON form %s is not: %v", b, j, err)
		}
	})
}
