package kinesis_test

// These tests run against a real kinesalite (a local implementation of the
// Kinesis Data Streams API) started by testenv.StartKinesalite; nothing of
// Kinesis is mocked. Kinesalite never rejects records or throttles by
// itself, so the tests of those paths wrap the real client in a fault
// injector (faultyClient) that fails chosen calls or entries and passes
// everything else through to kinesalite.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/cartaschema/carta/internal/testenv"
	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/kinesis"
)

// testSerde is a stand-in for the real SerDe: JSON behind a one-byte
// marker, so framing and decode errors can be told apart.
type testSerde struct{}

const testMarker = 'J'

var testSchema = serde.Schema{Ref: serde.SchemaRef{Name: "test-event"}, Format: serde.JSON, Version: 1}

func (testSerde) AppendSerialize(_ context.Context, dst []byte, topic string, v any) ([]byte, error) {
	if topic == "" {
		return nil, errors.New("testSerde: no topic")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(append(dst, testMarker), b...), nil
}

func (testSerde) DeserializeAny(_ context.Context, data []byte) (any, serde.Schema, error) {
	if len(data) == 0 || data[0] != testMarker {
		return nil, serde.Schema{}, errors.New("testSerde: not a framed record")
	}
	var v any
	if err := json.Unmarshal(data[1:], &v); err != nil {
		return nil, serde.Schema{}, err
	}
	return v, testSchema, nil
}

var (
	_ kinesis.Serializer    = testSerde{}
	_ kinesis.Deserializer  = testSerde{}
	_ kinesis.PutRecordsAPI = (*awskinesis.Client)(nil)
	_ kinesis.ConsumerAPI   = (*awskinesis.Client)(nil)
)

type event struct {
	Key string `json:"key"`
	N   int    `json:"n"`
}

// setup starts kinesalite and creates a stream of shards shards.
func setup(t *testing.T, shards int32) (*awskinesis.Client, string) {
	t.Helper()
	client := testenv.NewKinesisClient(testenv.StartKinesalite(t))
	const stream = "carta-test"
	testenv.CreateStream(t, client, stream, shards)
	return client, stream
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// readN runs a Consumer until it has handled n records and returns them.
func readN(t *testing.T, client kinesis.ConsumerAPI, stream string, n int, opts ...kinesis.ConsumerOption) ([]kinesis.Record, *kinesis.Consumer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var mu sync.Mutex
	var got []kinesis.Record
	opts = append([]kinesis.ConsumerOption{kinesis.WithPollInterval(20 * time.Millisecond)}, opts...)
	c := kinesis.NewConsumer(client, stream, testSerde{}, func(_ context.Context, r kinesis.Record) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r)
		if len(got) == n {
			cancel()
		}
		return nil
	}, opts...)
	if err := c.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) < n {
		t.Fatalf("read %d records, want %d (timed out)", len(got), n)
	}
	return got, c
}

// countingClient counts PutRecords calls and their sizes; it changes
// nothing.
type countingClient struct {
	kinesis.PutRecordsAPI
	mu    sync.Mutex
	calls []int
	bytes []int
}

func (c *countingClient) PutRecords(ctx context.Context, in *awskinesis.PutRecordsInput, opts ...func(*awskinesis.Options)) (*awskinesis.PutRecordsOutput, error) {
	n := 0
	for _, r := range in.Records {
		n += len(r.Data) + len(*r.PartitionKey)
	}
	c.mu.Lock()
	c.calls = append(c.calls, len(in.Records))
	c.bytes = append(c.bytes, n)
	c.mu.Unlock()
	return c.PutRecordsAPI.PutRecords(ctx, in, opts...)
}

func (c *countingClient) snapshot() ([]int, []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls), slices.Clone(c.bytes)
}

func TestProducerSplitsBatchesByCount(t *testing.T) {
	client, stream := setup(t, 2)
	ctx := testContext(t)
	cc := &countingClient{PutRecordsAPI: client}
	p := kinesis.NewProducer(cc, stream, testSerde{})
	const n = 1234
	for i := range n {
		if err := p.Put(ctx, fmt.Sprintf("key-%d", i%7), event{Key: fmt.Sprintf("key-%d", i%7), N: i}); err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
		if i == kinesis.MaxBatchRecords-1 {
			// The 500th record filled the batch: it was sent without a Flush.
			if calls, _ := cc.snapshot(); !slices.Equal(calls, []int{500}) {
				t.Fatalf("after 500 Puts the calls were %v, want [500]", calls)
			}
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if calls, _ := cc.snapshot(); !slices.Equal(calls, []int{500, 500, 234}) {
		t.Fatalf("PutRecords calls carried %v records, want [500 500 234]", calls)
	}
	if err := p.Put(ctx, "k", event{}); !errors.Is(err, kinesis.ErrClosed) {
		t.Fatalf("Put after Close = %v, want ErrClosed", err)
	}

	got, _ := readN(t, client, stream, n)
	seen := map[int]bool{}
	for _, r := range got {
		if r.Err != nil {
			t.Fatalf("record %s: %v", r.SequenceNumber, r.Err)
		}
		seen[int(r.Value.(map[string]any)["n"].(float64))] = true
	}
	if len(seen) != n {
		t.Fatalf("read %d distinct records, want %d", len(seen), n)
	}
}

func TestProducerSplitsBatchesByBytes(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	cc := &countingClient{PutRecordsAPI: client}
	p := kinesis.NewProducer(cc, stream, nil)
	data := bytes.Repeat([]byte{'x'}, 900<<10) // 900 KiB: five fit in 5 MiB, six do not
	for i := range 12 {
		if err := p.PutRaw(ctx, fmt.Sprintf("k%d", i), data); err != nil {
			t.Fatalf("PutRaw %d: %v", i, err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	calls, sizes := cc.snapshot()
	if !slices.Equal(calls, []int{5, 5, 2}) {
		t.Fatalf("PutRecords calls carried %v records, want [5 5 2]", calls)
	}
	for _, s := range sizes {
		if s > kinesis.MaxBatchBytes {
			t.Fatalf("a PutRecords call carried %d bytes, more than %d", s, kinesis.MaxBatchBytes)
		}
	}
	got, _ := readN(t, client, stream, 12, kinesis.WithGetRecordsLimit(4))
	for _, r := range got {
		if !bytes.Equal(r.Data, data) {
			t.Fatalf("record %s came back with %d bytes", r.PartitionKey, len(r.Data))
		}
	}
}

func TestProducerRefusesOversizeRecords(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})

	key := "order-1"
	err := p.PutRaw(ctx, key, make([]byte, kinesis.MaxRecordBytes-len(key)+1))
	if !errors.Is(err, kinesis.ErrRecordTooLarge) {
		t.Fatalf("PutRaw of 1 MiB + 1 byte = %v, want ErrRecordTooLarge", err)
	}
	if !strings.Contains(err.Error(), `"order-1"`) || !strings.Contains(err.Error(), "1048577 bytes") {
		t.Fatalf("the error does not name the key and size: %v", err)
	}
	big := strings.Repeat("y", kinesis.MaxRecordBytes)
	if err := p.Put(ctx, key, big); !errors.Is(err, kinesis.ErrRecordTooLarge) {
		t.Fatalf("Put of a value serializing past 1 MiB = %v, want ErrRecordTooLarge", err)
	}
	if err := p.PutRaw(ctx, "", []byte("x")); !errors.Is(err, kinesis.ErrInvalidPartitionKey) {
		t.Fatalf("PutRaw with an empty key = %v, want ErrInvalidPartitionKey", err)
	}
	if err := p.PutRaw(ctx, strings.Repeat("é", 257), []byte("x")); !errors.Is(err, kinesis.ErrInvalidPartitionKey) {
		t.Fatalf("PutRaw with a 257-character key = %v, want ErrInvalidPartitionKey", err)
	}

	// Exactly 1 MiB with the key is accepted, and kinesalite takes it.
	exact := make([]byte, kinesis.MaxRecordBytes-len(key))
	exact[0] = 'J'
	if err := p.PutRaw(ctx, key, exact); err != nil {
		t.Fatalf("PutRaw of exactly 1 MiB: %v", err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	got, _ := readN(t, client, stream, 1)
	if len(got[0].Data) != len(exact) {
		t.Fatalf("read back %d bytes, want %d", len(got[0].Data), len(exact))
	}
}

// faultyClient is a fault injector around the real kinesalite client. Its
// reject function picks, per PutRecords call (attempt from 1) and entry,
// an error code to fail the entry with instead of sending it; the other
// entries go to kinesalite in one real call, and the answers are merged in
// request order. GetRecords fails with getErrs, one per call, while any are
// left. Kinesalite itself never rejects records or throttles.
type faultyClient struct {
	*awskinesis.Client
	reject func(attempt int, key string) string

	mu       sync.Mutex
	attempt  int
	sent     [][]string // partition keys of each PutRecords call
	getErrs  []string
	getCalls int
}

func (f *faultyClient) PutRecords(ctx context.Context, in *awskinesis.PutRecordsInput, opts ...func(*awskinesis.Options)) (*awskinesis.PutRecordsOutput, error) {
	f.mu.Lock()
	f.attempt++
	attempt := f.attempt
	var keys []string
	for _, r := range in.Records {
		keys = append(keys, *r.PartitionKey)
	}
	f.sent = append(f.sent, keys)
	f.mu.Unlock()

	results := make([]types.PutRecordsResultEntry, len(in.Records))
	pass := &awskinesis.PutRecordsInput{StreamName: in.StreamName}
	var passIdx []int
	failed := int32(0)
	for i, r := range in.Records {
		if code := f.reject(attempt, *r.PartitionKey); code != "" {
			results[i] = types.PutRecordsResultEntry{ErrorCode: aws.String(code), ErrorMessage: aws.String("injected: " + code)}
			failed++
			continue
		}
		pass.Records = append(pass.Records, r)
		passIdx = append(passIdx, i)
	}
	if len(pass.Records) > 0 {
		out, err := f.Client.PutRecords(ctx, pass, opts...)
		if err != nil {
			return nil, err
		}
		for j, r := range out.Records {
			results[passIdx[j]] = r
		}
		failed += aws.ToInt32(out.FailedRecordCount)
	}
	return &awskinesis.PutRecordsOutput{FailedRecordCount: aws.Int32(failed), Records: results}, nil
}

func (f *faultyClient) GetRecords(ctx context.Context, in *awskinesis.GetRecordsInput, opts ...func(*awskinesis.Options)) (*awskinesis.GetRecordsOutput, error) {
	f.mu.Lock()
	f.getCalls++
	var code string
	if len(f.getErrs) > 0 && f.getCalls > 1 {
		code, f.getErrs = f.getErrs[0], f.getErrs[1:]
	}
	f.mu.Unlock()
	if code != "" {
		return nil, &smithy.GenericAPIError{Code: code, Message: "injected: " + code, Fault: smithy.FaultClient}
	}
	return f.Client.GetRecords(ctx, in, opts...)
}

func TestProducerRetriesRejectedRecords(t *testing.T) {
	client, stream := setup(t, 2)
	ctx := testContext(t)
	rejected := map[string]string{"k3": "ProvisionedThroughputExceededException", "k7": "InternalFailure", "k8": "ProvisionedThroughputExceededException"}
	f := &faultyClient{Client: client, reject: func(attempt int, key string) string {
		if attempt == 1 {
			return rejected[key]
		}
		if attempt == 2 && key == "k8" {
			return "ProvisionedThroughputExceededException"
		}
		return ""
	}}
	p := kinesis.NewProducer(f, stream, testSerde{}, kinesis.WithRetryBackoff(5*time.Millisecond, 20*time.Millisecond))
	for i := range 10 {
		key := fmt.Sprintf("k%d", i)
		if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	f.mu.Lock()
	sent := f.sent
	f.mu.Unlock()
	if len(sent) != 3 || len(sent[0]) != 10 || !slices.Equal(sent[1], []string{"k3", "k7", "k8"}) || !slices.Equal(sent[2], []string{"k8"}) {
		t.Fatalf("PutRecords calls carried %v; want all 10, then [k3 k7 k8], then [k8]", sent)
	}
	got, _ := readN(t, client, stream, 10)
	keys := map[string]int{}
	for _, r := range got {
		keys[r.PartitionKey]++
	}
	if len(keys) != 10 {
		t.Fatalf("read back %v, want each of k0..k9 once", keys)
	}
	for k, n := range keys {
		if n != 1 {
			t.Fatalf("key %s read %d times", k, n)
		}
	}
}

func TestProducerReportsPermanentFailures(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	f := &faultyClient{Client: client, reject: func(_ int, key string) string {
		switch key {
		case "always-throttled":
			return "ProvisionedThroughputExceededException"
		case "bad-key":
			return "KMSAccessDeniedException" // not retried
		}
		return ""
	}}
	p := kinesis.NewProducer(f, stream, nil, kinesis.WithMaxAttempts(3), kinesis.WithRetryBackoff(time.Millisecond, 5*time.Millisecond))
	for _, k := range []string{"ok-1", "always-throttled", "bad-key", "ok-2"} {
		if err := p.PutRaw(ctx, k, []byte("J{}")); err != nil {
			t.Fatalf("PutRaw: %v", err)
		}
	}
	err := p.Flush(ctx)
	var perr *kinesis.PutError
	if !errors.As(err, &perr) {
		t.Fatalf("Flush = %v, want a *PutError", err)
	}
	if perr.Attempts != 3 || perr.Stream != stream || perr.Err != nil {
		t.Fatalf("PutError = %+v, want 3 attempts on %s and no call error", perr, stream)
	}
	want := []kinesis.FailedRecord{
		{PartitionKey: "bad-key", Data: []byte("J{}"), ErrorCode: "KMSAccessDeniedException", ErrorMessage: "injected: KMSAccessDeniedException"},
		{PartitionKey: "always-throttled", Data: []byte("J{}"), ErrorCode: "ProvisionedThroughputExceededException", ErrorMessage: "injected: ProvisionedThroughputExceededException"},
	}
	if fmt.Sprint(perr.Records) != fmt.Sprint(want) {
		t.Fatalf("failed records = %+v, want %+v", perr.Records, want)
	}
	for _, s := range []string{`"always-throttled": ProvisionedThroughputExceededException`, `"bad-key": KMSAccessDeniedException`, "2 record(s)", "after 3 attempt(s)"} {
		if !strings.Contains(err.Error(), s) {
			t.Fatalf("error %q lacks %q", err, s)
		}
	}
	f.mu.Lock()
	calls := len(f.sent)
	f.mu.Unlock()
	if calls != 3 {
		t.Fatalf("%d PutRecords calls, want 3", calls)
	}
	got, _ := readN(t, client, stream, 2)
	if got[0].PartitionKey != "ok-1" || got[1].PartitionKey != "ok-2" {
		t.Fatalf("read back %s and %s, want ok-1 and ok-2", got[0].PartitionKey, got[1].PartitionKey)
	}
}

func TestProducerCallErrorFailsTheBatch(t *testing.T) {
	client, _ := setup(t, 1)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, "no-such-stream", nil)
	if err := p.PutRaw(ctx, "k", []byte("v")); err != nil {
		t.Fatalf("PutRaw: %v", err)
	}
	err := p.Flush(ctx)
	var perr *kinesis.PutError
	if !errors.As(err, &perr) || len(perr.Records) != 1 || perr.Records[0].ErrorCode != "ResourceNotFoundException" || perr.Err == nil {
		t.Fatalf("Flush = %#v, want a PutError for the record with ResourceNotFoundException", err)
	}
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("the PutError does not wrap the SDK's error: %v", err)
	}
}

func TestProducerLinger(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{}, kinesis.WithLinger(30*time.Millisecond))
	if err := p.Put(ctx, "k", event{Key: "k", N: 1}); err != nil {
		t.Fatalf("Put: %v", err)
	}
	// No Flush: the linger timer sends it.
	got, _ := readN(t, client, stream, 1)
	if got[0].PartitionKey != "k" || got[0].Err != nil {
		t.Fatalf("read %+v", got[0])
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func TestProducerConcurrentPuts(t *testing.T) {
	client, stream := setup(t, 2)
	ctx := testContext(t)
	cc := &countingClient{PutRecordsAPI: client}
	p := kinesis.NewProducer(cc, stream, testSerde{}, kinesis.WithLinger(5*time.Millisecond), kinesis.WithBatchLimits(100, 0))
	const writers, each = 8, 150
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			key := fmt.Sprintf("writer-%d", w)
			for i := range each {
				if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	calls, _ := cc.snapshot()
	total := 0
	for _, n := range calls {
		if n > 100 {
			t.Fatalf("a PutRecords call carried %d records, more than the limit 100", n)
		}
		total += n
	}
	if total != writers*each {
		t.Fatalf("PutRecords carried %d records, want %d", total, writers*each)
	}
	got, _ := readN(t, client, stream, writers*each)
	seen := map[string]bool{}
	for _, r := range got {
		seen[string(r.Data)] = true
	}
	if len(seen) != writers*each {
		t.Fatalf("read %d distinct records, want %d", len(seen), writers*each)
	}
}

func TestConsumerReadsEveryShardInOrder(t *testing.T) {
	client, stream := setup(t, 3)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})
	const keys, each = 12, 40
	for i := range each {
		for k := range keys {
			key := fmt.Sprintf("customer-%d", k)
			if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
				t.Fatalf("Put: %v", err)
			}
		}
		if i%10 == 9 {
			if err := p.Flush(ctx); err != nil { // several batches, several arrival times
				t.Fatalf("Flush: %v", err)
			}
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got, c := readN(t, client, stream, keys*each, kinesis.WithGetRecordsLimit(25))

	shards := map[string][]kinesis.Record{}
	next := map[string]int{}
	for _, r := range got {
		if r.Err != nil {
			t.Fatalf("record %s: %v", r.SequenceNumber, r.Err)
		}
		if r.Schema != testSchema {
			t.Fatalf("record %s: schema %+v, want %+v", r.SequenceNumber, r.Schema, testSchema)
		}
		if r.ApproximateArrivalTimestamp.IsZero() || time.Since(r.ApproximateArrivalTimestamp) > time.Minute {
			t.Fatalf("record %s: arrival time %v", r.SequenceNumber, r.ApproximateArrivalTimestamp)
		}
		v := r.Value.(map[string]any)
		if v["key"] != r.PartitionKey {
			t.Fatalf("record %s: value %v under partition key %s", r.SequenceNumber, v, r.PartitionKey)
		}
		if n := int(v["n"].(float64)); n != next[r.PartitionKey] {
			t.Fatalf("key %s: got n=%d, want %d (out of order)", r.PartitionKey, n, next[r.PartitionKey])
		}
		next[r.PartitionKey]++
		shards[r.ShardID] = append(shards[r.ShardID], r)
	}
	if len(shards) < 2 {
		t.Fatalf("the records landed in %d shard(s); the test needs 2 or more", len(shards))
	}
	cp := c.Checkpoints()
	for id, rs := range shards {
		for i := 1; i < len(rs); i++ {
			if !seqLess(rs[i-1].SequenceNumber, rs[i].SequenceNumber) {
				t.Fatalf("shard %s: sequence %s handled after %s", id, rs[i].SequenceNumber, rs[i-1].SequenceNumber)
			}
		}
		if cp[id] != rs[len(rs)-1].SequenceNumber {
			t.Fatalf("checkpoint of %s = %s, want the last record's %s", id, cp[id], rs[len(rs)-1].SequenceNumber)
		}
	}
}

// seqLess compares Kinesis sequence numbers (decimal strings).
func seqLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

func TestConsumerHandlerErrorStopsRun(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	putN(t, client, stream, "k", 5)
	boom := errors.New("boom")
	var handled []string
	c := kinesis.NewConsumer(client, stream, testSerde{}, func(_ context.Context, r kinesis.Record) error {
		if len(handled) == 2 {
			return boom
		}
		handled = append(handled, r.SequenceNumber)
		return nil
	}, kinesis.WithPollInterval(10*time.Millisecond))
	err := c.Run(ctx)
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want the handler's error", err)
	}
	var herr *kinesis.HandlerError
	if !errors.As(err, &herr) || herr.ShardID == "" || herr.SequenceNumber == "" {
		t.Fatalf("Run = %#v, want a *HandlerError naming the record", err)
	}
	if cp := c.Checkpoints(); cp[herr.ShardID] != handled[1] {
		t.Fatalf("checkpoint %s, want the last record handled without error %s", cp[herr.ShardID], handled[1])
	}
}

func TestConsumerStopsOnCancel(t *testing.T) {
	client, stream := setup(t, 2)
	ctx, cancel := context.WithCancel(testContext(t))
	c := kinesis.NewConsumer(client, stream, testSerde{}, func(context.Context, kinesis.Record) error { return nil },
		kinesis.WithPollInterval(10*time.Millisecond))
	errc := make(chan error, 1)
	go func() { errc <- c.Run(ctx) }()
	time.Sleep(200 * time.Millisecond) // polling empty shards
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatalf("Run after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}

	// A handler blocked on ctx when it is cancelled also ends Run with nil.
	putN(t, client, stream, "k", 1)
	ctx2, cancel2 := context.WithCancel(testContext(t))
	c2 := kinesis.NewConsumer(client, stream, testSerde{}, func(ctx context.Context, _ kinesis.Record) error {
		cancel2()
		<-ctx.Done()
		return ctx.Err()
	}, kinesis.WithPollInterval(10*time.Millisecond))
	if err := c2.Run(ctx2); err != nil {
		t.Fatalf("Run with a handler returning ctx.Err() after cancel = %v, want nil", err)
	}
	if cp := c2.Checkpoints(); len(cp) != 0 {
		t.Fatalf("checkpoints %v after the only record's handler was cancelled, want none", cp)
	}
}

func TestConsumerHandsDecodeErrorsToTheHandler(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})
	poison := []byte{0x00, 0xde, 0xad, 0xbe, 0xef}
	if err := p.Put(ctx, "k", event{Key: "k", N: 1}); err != nil {
		t.Fatal(err)
	}
	if err := p.PutRaw(ctx, "k", poison); err != nil {
		t.Fatal(err)
	}
	if err := p.Put(ctx, "k", event{Key: "k", N: 2}); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := readN(t, client, stream, 3)
	if got[0].Err != nil || got[2].Err != nil {
		t.Fatalf("good records with errors: %v, %v", got[0].Err, got[2].Err)
	}
	bad := got[1]
	if bad.Err == nil || !strings.Contains(bad.Err.Error(), "not a framed record") {
		t.Fatalf("poison record: Err = %v, want the decode error", bad.Err)
	}
	if !bytes.Equal(bad.Data, poison) || bad.Value != nil || bad.Schema != (serde.Schema{}) {
		t.Fatalf("poison record: Data %x Value %v Schema %+v; want the data intact, no value, no schema", bad.Data, bad.Value, bad.Schema)
	}
}

func TestConsumerResumesFromCheckpoints(t *testing.T) {
	client, stream := setup(t, 2)
	ctx := testContext(t)
	const first, second = 120, 60
	p := kinesis.NewProducer(client, stream, testSerde{})
	put := func(from, to int) {
		for i := from; i < to; i++ {
			key := fmt.Sprintf("k%d", i%10)
			if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
				t.Fatalf("Put: %v", err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	put(0, first)

	seen := map[int]int{}
	var mu sync.Mutex
	consume := func(stopAfter int, cp map[string]string) map[string]string {
		runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		handled := 0
		c := kinesis.NewConsumer(client, stream, testSerde{}, func(_ context.Context, r kinesis.Record) error {
			mu.Lock()
			defer mu.Unlock()
			seen[int(r.Value.(map[string]any)["n"].(float64))]++
			handled++
			if handled == stopAfter {
				cancel()
			}
			return nil
		}, kinesis.WithPollInterval(10*time.Millisecond), kinesis.WithGetRecordsLimit(7), kinesis.WithCheckpoints(cp))
		if err := c.Run(runCtx); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if handled != stopAfter {
			t.Fatalf("handled %d records, want %d", handled, stopAfter)
		}
		return c.Checkpoints()
	}
	cp := consume(50, nil)   // stops mid-stream, mid-batch
	put(first, first+second) // more arrive while no one reads
	cp = consume(first+second-50-20, cp)
	consume(20, cp)

	for i := range first + second {
		if seen[i] != 1 {
			t.Fatalf("record %d handled %d times, want exactly once", i, seen[i])
		}
	}
}

func TestConsumerInclusiveCheckpoints(t *testing.T) {
	client, stream := setup(t, 1)
	putN(t, client, stream, "k", 3)
	got, _ := readN(t, client, stream, 3)
	cp := map[string]string{got[1].ShardID: got[1].SequenceNumber}

	again, _ := readN(t, client, stream, 1, kinesis.WithCheckpoints(cp))
	if again[0].SequenceNumber != got[2].SequenceNumber {
		t.Fatalf("after the checkpoint came %s, want %s", again[0].SequenceNumber, got[2].SequenceNumber)
	}
	incl, _ := readN(t, client, stream, 2, kinesis.WithCheckpointsInclusive(cp))
	if incl[0].SequenceNumber != got[1].SequenceNumber || incl[1].SequenceNumber != got[2].SequenceNumber {
		t.Fatalf("inclusive resume read %s, %s; want %s, %s", incl[0].SequenceNumber, incl[1].SequenceNumber, got[1].SequenceNumber, got[2].SequenceNumber)
	}
}

func TestConsumerLatestSkipsOldRecords(t *testing.T) {
	client, stream := setup(t, 2)
	ctx := testContext(t)
	putN(t, client, stream, "old", 5)
	runCtx, cancel := context.WithCancel(ctx)
	var got []string
	var mu sync.Mutex
	c := kinesis.NewConsumer(client, stream, testSerde{}, func(_ context.Context, r kinesis.Record) error {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.PartitionKey)
		if r.PartitionKey == "new" {
			cancel()
		}
		return nil
	}, kinesis.WithPollInterval(10*time.Millisecond), kinesis.WithStartPosition(kinesis.Latest))
	errc := make(chan error, 1)
	go func() { errc <- c.Run(runCtx) }()
	time.Sleep(300 * time.Millisecond) // the iterators are taken
	putN(t, client, stream, "new", 1)
	if err := <-errc; err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !slices.Equal(got, []string{"new"}) {
		t.Fatalf("read %v, want only the record put after the start", got)
	}
}

// TestConsumerRecoversFromThrottlingAndExpiredIterators injects
// ProvisionedThroughputExceededException and ExpiredIteratorException into
// GetRecords (kinesalite expires iterators only after 5 minutes and never
// throttles).
func TestConsumerRecoversFromThrottlingAndExpiredIterators(t *testing.T) {
	client, stream := setup(t, 1)
	f := &faultyClient{Client: client, getErrs: []string{
		"ProvisionedThroughputExceededException", "ExpiredIteratorException",
		"ProvisionedThroughputExceededException", "ExpiredIteratorException",
	}}
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})
	for i := range 30 {
		if err := p.Put(ctx, "k", event{Key: "k", N: i}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := readN(t, f, stream, 30, kinesis.WithGetRecordsLimit(4), kinesis.WithReadBackoff(time.Millisecond, 5*time.Millisecond))
	for i, r := range got {
		if n := int(r.Value.(map[string]any)["n"].(float64)); n != i {
			t.Fatalf("record %d is n=%d: duplicated or lost across the renewed iterators", i, n)
		}
	}
	f.mu.Lock()
	left := len(f.getErrs)
	f.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d injected errors not reached", left)
	}
}

func TestConsumerFollowsReshardedShards(t *testing.T) {
	client, stream := setup(t, 1)
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})
	put := func(from, to int) {
		for i := from; i < to; i++ {
			key := fmt.Sprintf("k%d", i%5)
			if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
				t.Fatalf("Put: %v", err)
			}
		}
		if err := p.Flush(ctx); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	put(0, 50)
	shards, err := client.ListShards(ctx, &awskinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatal(err)
	}
	parent := shards.Shards[0]
	// Split the only shard in the middle of its hash key range.
	if _, err := client.SplitShard(ctx, &awskinesis.SplitShardInput{
		StreamName: aws.String(stream), ShardToSplit: parent.ShardId,
		NewStartingHashKey: aws.String("170141183460469231731687303715884105728"),
	}); err != nil {
		t.Fatalf("SplitShard: %v", err)
	}
	testenv.WaitStreamActive(t, client, stream)
	put(50, 100)

	got, c := readN(t, client, stream, 100, kinesis.WithShardDiscoveryInterval(0))
	byShard := map[string]int{}
	last := map[string]int{}
	for _, r := range got {
		n := int(r.Value.(map[string]any)["n"].(float64))
		if prev, ok := last[r.PartitionKey]; ok && n <= prev {
			t.Fatalf("key %s: n=%d after n=%d", r.PartitionKey, n, prev)
		}
		last[r.PartitionKey] = n
		byShard[r.ShardID]++
		if (n < 50) != (r.ShardID == *parent.ShardId) {
			t.Fatalf("record n=%d read from shard %s", n, r.ShardID)
		}
	}
	if len(byShard) < 2 {
		t.Fatalf("records came from %v; want the parent and at least one child", byShard)
	}
	if len(c.Checkpoints()) != len(byShard) {
		t.Fatalf("checkpoints %v, want one per shard read %v", c.Checkpoints(), byShard)
	}
}

// putN puts n records with partition key key and flushes.
func putN(t *testing.T, client *awskinesis.Client, stream, key string, n int) {
	t.Helper()
	ctx := testContext(t)
	p := kinesis.NewProducer(client, stream, testSerde{})
	for i := range n {
		if err := p.Put(ctx, key, event{Key: key, N: i}); err != nil {
			t.Fatalf("Put: %v", err)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}
