package kinesis_test

// The PaymentCaptured story end to end, with nothing mocked: a real Carta
// server (in process) reached through serde/glue and the AWS SDK, the real
// SerDe, and a real kinesalite stream of two shards. Producers write
// version 1, version 2 is registered mid-stream and a second producer writes
// it while the first goes on; a consumer pinned to the version 1 reader
// schema and one without a reader schema read everything; then Carta is
// stopped and the warm producers and consumers carry on from their caches.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/kinesis"
	"github.com/cartaschema/carta/serde/wire"
)

// The Go types of the two versions of examples/payments.
type paymentV1 struct {
	PaymentID   string `avro:"payment_id"`
	AmountCents int64  `avro:"amount_cents"`
	Currency    string `avro:"currency"`
}

type paymentV2 struct {
	PaymentID          string  `avro:"payment_id"`
	AmountCents        int64   `avro:"amount_cents"`
	Currency           string  `avro:"currency"`
	SettlementCurrency *string `avro:"settlement_currency"`
}

// sent is what the test expects a consumer to find for one payment.
type sent struct {
	version     int
	compression wire.Compression
	amount      int64
	settlement  *string // on version 2 records
}

// fetchCounter counts the registry calls of a cache, by cache name, and
// their failures.
type fetchCounter struct {
	mu     sync.Mutex
	calls  map[string]int
	failed map[string]int
}

func (f *fetchCounter) hooks() serde.Hooks {
	f.calls, f.failed = map[string]int{}, map[string]int{}
	return serde.Hooks{Fetch: func(cache string, _ time.Duration, err error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.calls[cache]++
		if err != nil {
			f.failed[cache]++
		}
	}}
}

func (f *fetchCounter) get(cache string) (calls, failed int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[cache], f.failed[cache]
}

func readSchemaFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/payments/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// consumeStory runs a Consumer of stream with des until it has handled n
// records, and returns them and the Consumer (for its checkpoints).
func consumeStory(client *awskinesis.Client, stream string, des kinesis.Deserializer, n int, opts ...kinesis.ConsumerOption) ([]kinesis.Record, *kinesis.Consumer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []kinesis.Record
	opts = append([]kinesis.ConsumerOption{kinesis.WithPollInterval(20 * time.Millisecond)}, opts...)
	c := kinesis.NewConsumer(client, stream, des, func(_ context.Context, r kinesis.Record) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r)
		if len(got) == n {
			cancel()
		}
		return nil
	}, opts...)
	if err := c.Run(ctx); err != nil {
		return nil, nil, fmt.Errorf("Run: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n {
		return nil, nil, fmt.Errorf("the consumer handled %d records in 60s, want %d", len(got), n)
	}
	return got, c, nil
}

// checkRecords checks every record against what was sent. pinned says the
// consumer reads with the version 1 reader schema.
func checkRecords(t *testing.T, who string, recs []kinesis.Record, want map[string]sent, pinned bool) {
	t.Helper()
	ref := serde.SchemaRef{Registry: "payments", Name: "PaymentCaptured"}
	seen := map[string]bool{}
	for _, r := range recs {
		if r.Err != nil {
			t.Errorf("%s: record %s: %v", who, r.PartitionKey, r.Err)
			continue
		}
		m, ok := r.Value.(map[string]any)
		if !ok {
			t.Errorf("%s: record %s decoded to %T, want map[string]any", who, r.PartitionKey, r.Value)
			continue
		}
		id, _ := m["payment_id"].(string)
		w, ok := want[id]
		if !ok || seen[id] || id != r.PartitionKey {
			t.Errorf("%s: unexpected or repeated record %q (partition key %q)", who, id, r.PartitionKey)
			continue
		}
		seen[id] = true
		if r.Schema.Ref != ref || r.Schema.Format != serde.Avro || r.Schema.Version != w.version {
			t.Errorf("%s: %s: schema %s %s version %d, want %s AVRO version %d", who, id, r.Schema.Ref, r.Schema.Format, r.Schema.Version, ref, w.version)
		}
		if got := wire.VersionID(r.Data[2:18]); r.Schema.VersionID != got {
			t.Errorf("%s: %s: schema version ID %s, the record's header says %s", who, id, r.Schema.VersionID, got)
		}
		if got := wire.Compression(r.Data[1]); got != w.compression {
			t.Errorf("%s: %s: compression %s, want %s", who, id, got, w.compression)
		}
		if m["amount_cents"] != w.amount || m["currency"] != "EUR" {
			t.Errorf("%s: %s: amount_cents %v (%T), currency %v", who, id, m["amount_cents"], m["amount_cents"], m["currency"])
		}
		sc, has := m["settlement_currency"]
		switch {
		case pinned || w.version == 1:
			// The version 1 reader schema drops the new field; version 1
			// records never had it.
			if has || len(m) != 3 {
				t.Errorf("%s: %s (version %d): %v, want exactly the three version 1 fields", who, id, w.version, m)
			}
		case w.settlement == nil:
			if !has || sc != nil {
				t.Errorf("%s: %s: settlement_currency = %#v (present %v), want null", who, id, sc, has)
			}
		default:
			if sc != *w.settlement {
				t.Errorf("%s: %s: settlement_currency = %#v, want %q", who, id, sc, *w.settlement)
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%s: read %d distinct payments, want %d", who, len(seen), len(want))
	}
}

func TestPaymentCapturedStory(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	v1, v2 := readSchemaFile(t, "payment_v1.avsc"), readSchemaFile(t, "payment_v2.avsc")

	// The registry: Carta, reached through the AWS SDK as AWS Glue would be.
	cartaURL, stopCarta := testenv.StartCartaStoppable(t)
	api := testenv.GlueClient(cartaURL)
	if _, err := api.CreateRegistry(ctx, &awsglue.CreateRegistryInput{RegistryName: aws.String("payments")}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateSchema(ctx, &awsglue.CreateSchemaInput{
		RegistryId:       &gluetypes.RegistryId{RegistryName: aws.String("payments")},
		SchemaName:       aws.String("PaymentCaptured"),
		DataFormat:       gluetypes.DataFormatAvro,
		Compatibility:    gluetypes.CompatibilityBackward,
		SchemaDefinition: aws.String(v1),
	}); err != nil {
		t.Fatal(err)
	}
	reg := glue.New(api)

	// The stream.
	kc := testenv.NewKinesisClient(testenv.StartKinesalite(t))
	const stream = "payments"
	testenv.CreateStream(t, kc, stream, 2)

	newSer := func(def string, comp wire.Compression, opts ...serde.Option) *serde.Serializer {
		t.Helper()
		opts = append([]serde.Option{serde.WithSchema("payments", "PaymentCaptured"), serde.WithDefinition(def), serde.WithCompression(comp)}, opts...)
		s, err := serde.NewSerializer(reg, serde.Avro, opts...)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	want := map[string]sent{}
	put := func(p *kinesis.Producer, version int, comp wire.Compression, from, to int) {
		t.Helper()
		for i := from; i <= to; i++ {
			id := fmt.Sprintf("p-%03d", i)
			w := sent{version: version, compression: comp, amount: int64(100 * i)}
			var v any = paymentV1{PaymentID: id, AmountCents: w.amount, Currency: "EUR"}
			if version == 2 {
				if i%3 != 0 {
					w.settlement = aws.String([]string{"USD", "GBP"}[i%2])
				}
				v = paymentV2{PaymentID: id, AmountCents: w.amount, Currency: "EUR", SettlementCurrency: w.settlement}
			}
			if err := p.Put(ctx, id, v); err != nil {
				t.Fatalf("Put %s: %v", id, err)
			}
			want[id] = w
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}

	// Version 1 producers, one of them compressing.
	var serFetches fetchCounter
	ser1 := newSer(v1, wire.CompressionNone)
	ser1z := newSer(v1, wire.CompressionZlib)
	p1 := kinesis.NewProducer(kc, stream, ser1)
	p1z := kinesis.NewProducer(kc, stream, ser1z)
	put(p1, 1, wire.CompressionNone, 1, 10)
	put(p1z, 1, wire.CompressionZlib, 11, 20)

	// Mid-stream, the billing team registers version 2: the optional
	// settlement_currency with a default, which BACKWARD accepts.
	rv, err := api.RegisterSchemaVersion(ctx, &awsglue.RegisterSchemaVersionInput{
		SchemaId:         &gluetypes.SchemaId{RegistryName: aws.String("payments"), SchemaName: aws.String("PaymentCaptured")},
		SchemaDefinition: aws.String(v2),
	})
	if err != nil || rv.Status != gluetypes.SchemaVersionStatusAvailable || aws.ToInt64(rv.VersionNumber) != 2 {
		t.Fatalf("RegisterSchemaVersion v2 = %+v, %v", rv, err)
	}
	// Their producer writes version 2 (zlib); its writer version is
	// re-resolved every 50ms in the background, to see that refresh fail
	// harmlessly once Carta is gone. The version 1 producers go on.
	ser2 := newSer(v2, wire.CompressionNone)
	ser2z := newSer(v2, wire.CompressionZlib, serde.WithTTL(50*time.Millisecond),
		serde.WithFetchTimeout(2*time.Second), serde.WithHooks(serFetches.hooks()))
	p2 := kinesis.NewProducer(kc, stream, ser2)
	p2z := kinesis.NewProducer(kc, stream, ser2z)
	put(p2, 2, wire.CompressionNone, 21, 30)
	put(p1, 1, wire.CompressionNone, 31, 35)
	put(p2z, 2, wire.CompressionZlib, 36, 45)
	put(p1z, 1, wire.CompressionZlib, 46, 50)

	if s, err := ser2z.Schema(ctx, stream); err != nil || s.VersionID != mustParseID(t, aws.ToString(rv.SchemaVersionId)) {
		t.Fatalf("the version 2 Serializer writes with %+v, %v; want version ID %s", s, err, aws.ToString(rv.SchemaVersionId))
	}

	// Two consumers: one pinned to the version 1 reader schema, one that
	// reads every record with its writer's schema.
	var pinnedFetches, latestFetches fetchCounter
	desPinned, err := serde.NewDeserializer(reg, serde.WithReaderSchema(v1), serde.WithHooks(pinnedFetches.hooks()))
	if err != nil {
		t.Fatal(err)
	}
	desLatest, err := serde.NewDeserializer(reg, serde.WithHooks(latestFetches.hooks()))
	if err != nil {
		t.Fatal(err)
	}
	var (
		wg                     sync.WaitGroup
		pinnedRecs, latestRecs []kinesis.Record
		pinnedC, latestC       *kinesis.Consumer
		pinnedErr, latestErr   error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		pinnedRecs, pinnedC, pinnedErr = consumeStory(kc, stream, desPinned, len(want))
	}()
	go func() {
		defer wg.Done()
		latestRecs, latestC, latestErr = consumeStory(kc, stream, desLatest, len(want))
	}()
	wg.Wait()
	if err := errors.Join(pinnedErr, latestErr); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, "pinned to v1", pinnedRecs, want, true)
	checkRecords(t, "no reader schema", latestRecs, want, false)
	// One registry call per version however many records and shards: the
	// cache and its singleflight.
	for name, f := range map[string]*fetchCounter{"pinned": &pinnedFetches, "latest": &latestFetches} {
		if calls, failed := f.get(serde.CacheVersionID); calls != 2 || failed != 0 {
			t.Errorf("%s consumer: %d registry calls (%d failed), want 2 (one per version)", name, calls, failed)
		}
	}

	// Carta goes away.
	stopCarta()
	var probe kinesis.Record
	for _, r := range latestRecs {
		if r.Schema.Version == 2 {
			probe = r
			break
		}
	}
	cold, err := serde.NewDeserializer(reg, serde.WithFetchTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := cold.DeserializeAny(ctx, probe.Data); err == nil || errors.Is(err, serde.ErrNotFound) {
		t.Fatalf("a cold Deserializer with Carta stopped: err = %v, want a connection error", err)
	} else {
		t.Logf("Carta stopped; a cold Deserializer fails: %v", err)
	}

	// The warm producers keep writing: their writer versions are cached. The
	// background refresh of ser2z fails and the cached version is kept.
	before := len(want)
	put(p1, 1, wire.CompressionNone, 51, 55)
	// ser2z's writer version is past its TTL: framing records triggers a
	// background refresh, which fails, and framing goes on meanwhile.
	framed := 0
	for deadline := time.Now().Add(20 * time.Second); ; framed++ {
		if _, err := ser2z.Serialize(ctx, stream, paymentV2{PaymentID: "p-000", Currency: "EUR"}); err != nil {
			t.Fatalf("Serialize with Carta stopped: %v", err)
		}
		if _, failed := serFetches.get(serde.CacheWriter); failed > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no failed background refresh of the writer version within 20s of stopping Carta")
		}
		time.Sleep(time.Millisecond)
	}
	put(p2z, 2, wire.CompressionZlib, 56, 60)
	t.Logf("with Carta stopped: %d records framed until the writer refresh failed, then %d put", framed, len(want)-before)

	// The warm consumers resume from their checkpoints and decode the new
	// records from their caches, without a registry call.
	fresh := map[string]sent{}
	for id, w := range want {
		if id > "p-050" {
			fresh[id] = w
		}
	}
	if len(fresh) != len(want)-before {
		t.Fatalf("%d new payments, want %d", len(fresh), len(want)-before)
	}
	pinnedRecs, _, pinnedErr = consumeStory(kc, stream, desPinned, len(fresh), kinesis.WithCheckpoints(pinnedC.Checkpoints()))
	latestRecs, _, latestErr = consumeStory(kc, stream, desLatest, len(fresh), kinesis.WithCheckpoints(latestC.Checkpoints()))
	if err := errors.Join(pinnedErr, latestErr); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, "pinned to v1, Carta stopped", pinnedRecs, fresh, true)
	checkRecords(t, "no reader schema, Carta stopped", latestRecs, fresh, false)
	for name, f := range map[string]*fetchCounter{"pinned": &pinnedFetches, "latest": &latestFetches} {
		if calls, _ := f.get(serde.CacheVersionID); calls != 2 {
			t.Errorf("%s consumer: %d registry calls in all, want still 2", name, calls)
		}
	}
}

func mustParseID(t *testing.T, s string) wire.VersionID {
	t.Helper()
	id, err := wire.ParseVersionID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
