package kinesis

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"github.com/cartaschema/carta/serde"
)

// Deserializer decodes a framed record (Glue or Confluent wire format) into
// a generic value and reports which schema version wrote it.
// *serde.Deserializer implements it.
type Deserializer interface {
	DeserializeAny(ctx context.Context, data []byte) (any, serde.Schema, error)
}

// ConsumerAPI is the part of *kinesis.Client a Consumer uses.
type ConsumerAPI interface {
	ListShards(ctx context.Context, params *kinesis.ListShardsInput, optFns ...func(*kinesis.Options)) (*kinesis.ListShardsOutput, error)
	GetShardIterator(ctx context.Context, params *kinesis.GetShardIteratorInput, optFns ...func(*kinesis.Options)) (*kinesis.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, params *kinesis.GetRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.GetRecordsOutput, error)
}

// Record is one record read from a stream, decoded.
type Record struct {
	ShardID                     string
	SequenceNumber              string
	PartitionKey                string
	ApproximateArrivalTimestamp time.Time
	// Data is the record as stored in the stream (framed).
	Data []byte
	// Value is the decoded value; nil when decoding failed or the
	// Consumer has no Deserializer.
	Value any
	// Schema is the schema version that wrote the record, as far as the
	// Deserializer found it.
	Schema serde.Schema
	// Err is the decode error: a record that cannot be decoded (a poison
	// record) is handed to the Handler with Err set and Data intact
	// rather than stopping the Consumer.
	Err error
}

// Handler processes one record. Returning an error stops Consumer.Run,
// which returns it; the record is then not checkpointed.
//
// Records of one shard are handled one at a time in sequence-number order;
// records of different shards are handled concurrently.
type Handler func(ctx context.Context, r Record) error

// StartPosition is where a Consumer starts reading a shard it has no
// checkpoint for.
type StartPosition string

// Start positions.
const (
	// TrimHorizon starts at the oldest record still in the shard.
	TrimHorizon StartPosition = "TRIM_HORIZON"
	// Latest starts after the newest record, so only records put after
	// the Consumer started are read. It applies to the shards present
	// when the Consumer first lists the stream; shards created later by
	// resharding are read from their start, so nothing put to them is
	// missed.
	Latest StartPosition = "LATEST"
)

// ConsumerOption configures a Consumer.
type ConsumerOption func(*consumerConfig)

type consumerConfig struct {
	start       StartPosition
	checkpoints map[string]string
	inclusive   bool
	poll        time.Duration
	limit       int32
	discovery   time.Duration
	baseDelay   time.Duration
	maxDelay    time.Duration
}

// WithStartPosition sets where shards without a checkpoint are read from
// (default TrimHorizon).
func WithStartPosition(p StartPosition) ConsumerOption {
	return func(c *consumerConfig) { c.start = p }
}

// WithCheckpoints resumes reading: cp maps shard IDs to the sequence number
// of the last record processed (as Checkpoints returned it), and reading
// continues after that record (AFTER_SEQUENCE_NUMBER). Shards not in cp
// start at the start position.
func WithCheckpoints(cp map[string]string) ConsumerOption {
	return func(c *consumerConfig) { c.checkpoints, c.inclusive = maps.Clone(cp), false }
}

// WithCheckpointsInclusive is WithCheckpoints, except that reading resumes
// at the checkpointed records themselves (AT_SEQUENCE_NUMBER), handling
// them again.
func WithCheckpointsInclusive(cp map[string]string) ConsumerOption {
	return func(c *consumerConfig) { c.checkpoints, c.inclusive = maps.Clone(cp), true }
}

// WithPollInterval sets the wait between two GetRecords calls on a shard
// (default 1s). Kinesis allows 5 calls a second per shard, shared by all
// consumers of the stream.
func WithPollInterval(d time.Duration) ConsumerOption {
	return func(c *consumerConfig) { c.poll = max(d, 0) }
}

// WithGetRecordsLimit sets the most records one GetRecords call returns
// (1..10000, default 10000).
func WithGetRecordsLimit(n int) ConsumerOption {
	return func(c *consumerConfig) {
		if n >= 1 && n <= 10000 {
			c.limit = int32(n)
		}
	}
}

// WithShardDiscoveryInterval sets how often the Consumer lists the
// stream's shards to find new ones (default 30s; zero or less disables it).
// The shards are also listed whenever a shard is closed and read to its
// end, which is how the children of a split or merge are found.
func WithShardDiscoveryInterval(d time.Duration) ConsumerOption {
	return func(c *consumerConfig) { c.discovery = d }
}

// WithReadBackoff sets the delay after a throttled call (for instance
// ProvisionedThroughputExceededException): base doubled after each
// consecutive throttle, capped at maxDelay, of which a random half is
// jitter (defaults 200ms and 5s). The SDK's own retries come first.
func WithReadBackoff(base, maxDelay time.Duration) ConsumerOption {
	return func(c *consumerConfig) {
		c.baseDelay = max(base, time.Millisecond)
		c.maxDelay = max(maxDelay, c.baseDelay)
	}
}

// Consumer reads all shards of one stream and hands each record, decoded,
// to a Handler. Run reads; Checkpoints tells how far it got.
type Consumer struct {
	client  ConsumerAPI
	stream  string
	des     Deserializer
	handler Handler
	cfg     consumerConfig

	mu          sync.Mutex
	checkpoints map[string]string
	inclusive   map[string]bool // checkpoint given inclusive and not passed yet
	initial     map[string]bool // shards of the first listing: read from cfg.start
}

// NewConsumer returns a Consumer of stream that reads through client
// (normally a *kinesis.Client), decodes records with des and hands them to
// handler. des may be nil: records then reach the handler undecoded (Value
// nil, Err nil).
func NewConsumer(client ConsumerAPI, stream string, des Deserializer, handler Handler, opts ...ConsumerOption) *Consumer {
	cfg := consumerConfig{
		start:     TrimHorizon,
		poll:      time.Second,
		limit:     10000,
		discovery: 30 * time.Second,
		baseDelay: 200 * time.Millisecond,
		maxDelay:  5 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	c := &Consumer{
		client: client, stream: stream, des: des, handler: handler, cfg: cfg,
		checkpoints: map[string]string{},
		inclusive:   map[string]bool{},
	}
	for shard, seq := range cfg.checkpoints {
		if seq == "" {
			continue
		}
		c.checkpoints[shard] = seq
		c.inclusive[shard] = cfg.inclusive
	}
	return c
}

// Stream returns the name of the stream the Consumer reads.
func (c *Consumer) Stream() string { return c.stream }

// Checkpoints returns, for every shard, the sequence number of the last
// record handled without error (and the checkpoints the Consumer was
// given for shards it has not read yet). Passing it to WithCheckpoints
// makes a new Consumer continue where this one stopped. It is safe to call
// while Run runs.
func (c *Consumer) Checkpoints() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.checkpoints)
}

// Run reads the stream until ctx is cancelled, then returns nil, or until
// the Handler returns an error or a call to Kinesis fails for good, then
// returns that error (a Handler's error is wrapped: errors.Is and
// errors.As find it). Throttled calls are retried with backoff and expired
// shard iterators renewed from the checkpoint.
//
// Every shard is read by its own goroutine; a shard created by resharding
// is read once its parents have been read to their end, so the records of
// a partition key stay in order. Run must not be called concurrently with
// itself; calling it again continues from Checkpoints.
func (c *Consumer) Run(ctx context.Context) error {
	if c.handler == nil {
		return errors.New("kinesis: the Consumer has no Handler")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		shard  string
		closed bool
		err    error
	}
	results := make(chan result)
	running := map[string]bool{}
	done := map[string]bool{}
	stop := func(err error) error {
		cancel()
		for len(running) > 0 {
			r := <-results
			delete(running, r.shard)
			if err == nil {
				err = r.err
			}
		}
		return err
	}

	var listed map[string]types.Shard
	var discovery <-chan time.Time
	if c.cfg.discovery > 0 {
		t := time.NewTicker(c.cfg.discovery)
		defer t.Stop()
		discovery = t.C
	}
	var relist <-chan time.Time // a retry after a throttled listing
	listFailures := 0
	needList := true
	for {
		if needList {
			needList = false
			shards, err := c.listShards(ctx)
			switch {
			case ctx.Err() != nil:
				return stop(nil)
			case err != nil && isThrottle(err):
				listFailures++
				relist = time.After(backoff(c.cfg.baseDelay, c.cfg.maxDelay, listFailures))
			case err != nil:
				return stop(err)
			default:
				listFailures = 0
				listed = shards
				c.mu.Lock()
				if c.initial == nil {
					c.initial = map[string]bool{}
					for id := range listed {
						c.initial[id] = true
					}
				}
				c.mu.Unlock()
			}
		}
		for id, s := range listed {
			if running[id] || done[id] {
				continue
			}
			if p := deref(s.ParentShardId); p != "" && !done[p] && hasShard(listed, p) {
				continue
			}
			if p := deref(s.AdjacentParentShardId); p != "" && !done[p] && hasShard(listed, p) {
				continue
			}
			running[id] = true
			go func() {
				closed, err := c.readShard(ctx, id)
				results <- result{shard: id, closed: closed, err: err}
			}()
		}
		select {
		case r := <-results:
			delete(running, r.shard)
			if r.err != nil {
				return stop(r.err)
			}
			if !r.closed {
				// A shard stops early only when ctx is done.
				return stop(nil)
			}
			done[r.shard] = true
			needList = true
		case <-discovery:
			needList = true
		case <-relist:
			relist = nil
			needList = true
		case <-ctx.Done():
			return stop(nil)
		}
	}
}

func hasShard(listed map[string]types.Shard, id string) bool {
	_, ok := listed[id]
	return ok
}

// listShards lists every shard of the stream, open and closed.
func (c *Consumer) listShards(ctx context.Context) (map[string]types.Shard, error) {
	shards := map[string]types.Shard{}
	in := &kinesis.ListShardsInput{StreamName: &c.stream}
	for {
		out, err := c.client.ListShards(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("kinesis: ListShards of stream %s: %w", c.stream, err)
		}
		for _, s := range out.Shards {
			if id := deref(s.ShardId); id != "" {
				shards[id] = s
			}
		}
		if deref(out.NextToken) == "" {
			return shards, nil
		}
		in = &kinesis.ListShardsInput{NextToken: out.NextToken}
	}
}

// readShard reads one shard until it ends (closed true), ctx is done or a
// call or the Handler fails.
func (c *Consumer) readShard(ctx context.Context, shard string) (closed bool, err error) {
	iter, err := c.shardIterator(ctx, shard)
	if err != nil || iter == "" {
		return false, err
	}
	limit := c.cfg.limit
	throttled := 0
	for {
		out, err := c.client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &iter, Limit: &limit})
		if err != nil {
			switch {
			case ctx.Err() != nil:
				return false, nil
			case errorCode(err) == "ExpiredIteratorException":
				// Renew from the last record handled.
				if iter, err = c.shardIterator(ctx, shard); err != nil || iter == "" {
					return false, err
				}
				continue
			case isThrottle(err):
				throttled++
				if sleep(ctx, backoff(c.cfg.baseDelay, c.cfg.maxDelay, throttled)) != nil {
					return false, nil
				}
				continue
			default:
				return false, fmt.Errorf("kinesis: GetRecords on shard %s of stream %s: %w", shard, c.stream, err)
			}
		}
		throttled = 0
		for _, r := range out.Records {
			if ctx.Err() != nil {
				return false, nil
			}
			rec := Record{
				ShardID:        shard,
				SequenceNumber: deref(r.SequenceNumber),
				PartitionKey:   deref(r.PartitionKey),
				Data:           r.Data,
			}
			if r.ApproximateArrivalTimestamp != nil {
				rec.ApproximateArrivalTimestamp = *r.ApproximateArrivalTimestamp
			}
			if c.des != nil {
				rec.Value, rec.Schema, rec.Err = c.des.DeserializeAny(ctx, r.Data)
			}
			if err := c.handler(ctx, rec); err != nil {
				if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
					return false, nil
				}
				return false, &HandlerError{ShardID: shard, SequenceNumber: rec.SequenceNumber, Err: err}
			}
			c.mu.Lock()
			c.checkpoints[shard] = rec.SequenceNumber
			delete(c.inclusive, shard)
			c.mu.Unlock()
		}
		if out.NextShardIterator == nil || *out.NextShardIterator == "" {
			return true, nil
		}
		iter = *out.NextShardIterator
		if sleep(ctx, c.cfg.poll) != nil {
			return false, nil
		}
	}
}

// shardIterator returns an iterator at the shard's checkpoint, or at the
// start position when it has none; "" with a nil error when ctx is done.
func (c *Consumer) shardIterator(ctx context.Context, shard string) (string, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: &c.stream, ShardId: &shard}
	c.mu.Lock()
	seq, ok := c.checkpoints[shard]
	switch {
	case ok && c.inclusive[shard]:
		in.ShardIteratorType = types.ShardIteratorTypeAtSequenceNumber
		in.StartingSequenceNumber = &seq
	case ok:
		in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
		in.StartingSequenceNumber = &seq
	case c.cfg.start == Latest && c.initial[shard]:
		in.ShardIteratorType = types.ShardIteratorTypeLatest
	default:
		in.ShardIteratorType = types.ShardIteratorTypeTrimHorizon
	}
	c.mu.Unlock()
	for throttled := 1; ; throttled++ {
		out, err := c.client.GetShardIterator(ctx, in)
		switch {
		case ctx.Err() != nil:
			return "", nil
		case err != nil && isThrottle(err):
			if sleep(ctx, backoff(c.cfg.baseDelay, c.cfg.maxDelay, throttled)) != nil {
				return "", nil
			}
		case err != nil:
			return "", fmt.Errorf("kinesis: GetShardIterator %s on shard %s of stream %s: %w", in.ShardIteratorType, shard, c.stream, err)
		case deref(out.ShardIterator) == "":
			return "", fmt.Errorf("kinesis: GetShardIterator %s on shard %s of stream %s returned no iterator", in.ShardIteratorType, shard, c.stream)
		default:
			return *out.ShardIterator, nil
		}
	}
}

// HandlerError is the error Consumer.Run returns when the Handler failed.
type HandlerError struct {
	ShardID        string
	SequenceNumber string
	Err            error
}

// Error names the record the Handler failed on.
func (e *HandlerError) Error() string {
	return fmt.Sprintf("kinesis: handler failed on record %s of shard %s: %v", e.SequenceNumber, e.ShardID, e.Err)
}

// Unwrap returns the Handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// isThrottle reports whether err is worth retrying after a pause: the
// service throttled the call or failed transiently.
func isThrottle(err error) bool {
	switch errorCode(err) {
	case "ProvisionedThroughputExceededException", "LimitExceededException", "ThrottlingException",
		"KMSThrottlingException", "InternalFailure", "ServiceUnavailable":
		return true
	}
	return false
}

// backoff is the delay after the n-th consecutive failure: base doubled,
// capped at maxDelay, its upper half random.
func backoff(base, maxDelay time.Duration, n int) time.Duration {
	d := maxDelay
	if n < 30 {
		d = min(base<<max(n-1, 0), maxDelay)
	}
	half := d / 2
	return half + rand.N(half+1)
}
