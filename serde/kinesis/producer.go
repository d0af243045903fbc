package kinesis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// Limits of the PutRecords operation.
const (
	// MaxBatchRecords is the most records one PutRecords call carries.
	MaxBatchRecords = 500
	// MaxBatchBytes is the most bytes (data and partition keys) one
	// PutRecords call carries: 5 MiB.
	MaxBatchBytes = 5 << 20
	// MaxRecordBytes is the largest record, its data and partition key
	// together: 1 MiB.
	MaxRecordBytes = 1 << 20
	// MaxPartitionKeyLength is the longest partition key, in Unicode
	// characters.
	MaxPartitionKeyLength = 256
)

// Errors a Producer returns, wrapped with details.
var (
	// ErrRecordTooLarge means a record's data and partition key together
	// exceed MaxRecordBytes; it was not buffered.
	ErrRecordTooLarge = errors.New("kinesis: record too large")
	// ErrInvalidPartitionKey means a partition key is empty or longer
	// than MaxPartitionKeyLength characters.
	ErrInvalidPartitionKey = errors.New("kinesis: invalid partition key")
	// ErrClosed means the Producer was closed.
	ErrClosed = errors.New("kinesis: producer closed")
)

// Serializer frames a value for a stream; topic is the stream name (used by
// naming strategies and auto-registration metadata). *serde.Serializer
// implements it.
type Serializer interface {
	AppendSerialize(ctx context.Context, dst []byte, topic string, v any) ([]byte, error)
}

// PutRecordsAPI is the part of *kinesis.Client a Producer uses.
type PutRecordsAPI interface {
	PutRecords(ctx context.Context, params *kinesis.PutRecordsInput, optFns ...func(*kinesis.Options)) (*kinesis.PutRecordsOutput, error)
}

// ProducerOption configures a Producer.
type ProducerOption func(*producerConfig)

type producerConfig struct {
	maxRecords  int
	maxBytes    int
	linger      time.Duration
	maxAttempts int
	baseDelay   time.Duration
	maxDelay    time.Duration
}

// WithLinger makes the Producer send a batch at most d after its first
// record was buffered, without waiting for Flush or a full batch. Errors of
// such sends are returned by the next Flush or Close. Zero (the default)
// sends only on Flush, Close and full batches.
func WithLinger(d time.Duration) ProducerOption {
	return func(c *producerConfig) { c.linger = max(d, 0) }
}

// WithBatchLimits lowers the records and bytes one PutRecords call carries;
// values outside 1..MaxBatchRecords and 1..MaxBatchBytes keep the service's
// limits.
func WithBatchLimits(records, bytes int) ProducerOption {
	return func(c *producerConfig) {
		if records >= 1 && records <= MaxBatchRecords {
			c.maxRecords = records
		}
		if bytes >= 1 && bytes <= MaxBatchBytes {
			c.maxBytes = bytes
		}
	}
}

// WithMaxAttempts bounds the PutRecords calls made for one batch: the first
// and the retries of the records the service rejected (default 8). Values
// below 1 mean 1.
func WithMaxAttempts(n int) ProducerOption {
	return func(c *producerConfig) { c.maxAttempts = max(n, 1) }
}

// WithRetryBackoff sets the delay before retrying rejected records: base
// doubled after each attempt, capped at maxDelay, of which a random half is
// jitter (defaults 100ms and 2s).
func WithRetryBackoff(base, maxDelay time.Duration) ProducerOption {
	return func(c *producerConfig) {
		c.baseDelay = max(base, time.Millisecond)
		c.maxDelay = max(maxDelay, c.baseDelay)
	}
}

// Producer buffers records for one stream and sends them with PutRecords.
// It is safe for concurrent use. Batches are sent one at a time, in the
// order they were filled; a record the service rejects and a retry accepts
// may land after records put later.
type Producer struct {
	client PutRecordsAPI
	stream string
	ser    Serializer
	cfg    producerConfig

	mu       sync.Mutex
	buf      []entry
	bufBytes int
	tail     chan struct{} // closed when the last batch cut is done
	gen      uint64        // counts cuts, so a stale linger timer does nothing
	timer    *time.Timer
	closed   bool
	asyncErr error // errors of linger sends, for the next Flush or Close
}

type entry struct {
	key  string
	data []byte
}

func (e entry) size() int { return len(e.key) + len(e.data) }

// batch is a group of records sent together. Batches form a chain: each
// waits for prev to be closed before sending and closes done when it
// finished, so they are sent in the order they were cut.
type batch struct {
	entries []entry
	prev    chan struct{}
	done    chan struct{}
	async   bool // sent by the linger timer: errors go to asyncErr
}

// NewProducer returns a Producer that sends to stream through client
// (normally a *kinesis.Client) and frames values with ser. ser may be nil
// when only PutRaw is used.
func NewProducer(client PutRecordsAPI, stream string, ser Serializer, opts ...ProducerOption) *Producer {
	cfg := producerConfig{
		maxRecords:  MaxBatchRecords,
		maxBytes:    MaxBatchBytes,
		maxAttempts: 8,
		baseDelay:   100 * time.Millisecond,
		maxDelay:    2 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	done := make(chan struct{})
	close(done)
	return &Producer{client: client, stream: stream, ser: ser, cfg: cfg, tail: done}
}

// Stream returns the name of the stream the Producer sends to.
func (p *Producer) Stream() string { return p.stream }

// Put serializes v and buffers it as a record with partitionKey. When the
// record fills the batch, Put sends the batch before it returns and returns
// that send's error (a *PutError for records that could not be put, which
// may be other callers' records of the same batch). A record the
// serializer fails on, or one too large (ErrRecordTooLarge), is refused
// and nothing is buffered.
func (p *Producer) Put(ctx context.Context, partitionKey string, v any) error {
	if err := checkPartitionKey(partitionKey); err != nil {
		return err
	}
	if p.ser == nil {
		return errors.New("kinesis: Put needs a Serializer; the Producer was created without one")
	}
	data, err := p.ser.AppendSerialize(ctx, nil, p.stream, v)
	if err != nil {
		return fmt.Errorf("kinesis: serialize a record for stream %s: %w", p.stream, err)
	}
	return p.add(ctx, entry{key: partitionKey, data: data})
}

// PutRaw buffers data, already framed, as a record with partitionKey. It
// copies data. Otherwise it behaves as Put.
func (p *Producer) PutRaw(ctx context.Context, partitionKey string, data []byte) error {
	if err := checkPartitionKey(partitionKey); err != nil {
		return err
	}
	return p.add(ctx, entry{key: partitionKey, data: slices.Clone(data)})
}

func checkPartitionKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: the partition key is empty", ErrInvalidPartitionKey)
	}
	if n := utf8.RuneCountInString(key); n > MaxPartitionKeyLength {
		return fmt.Errorf("%w: the partition key has %d characters, more than %d", ErrInvalidPartitionKey, n, MaxPartitionKeyLength)
	}
	return nil
}

func (p *Producer) add(ctx context.Context, e entry) error {
	if e.size() > MaxRecordBytes {
		return fmt.Errorf("%w: the record for partition key %q is %d bytes (%d of data, %d of partition key), more than the %d a Kinesis record may have",
			ErrRecordTooLarge, truncate(e.key), e.size(), len(e.data), len(e.key), MaxRecordBytes)
	}
	if e.data == nil {
		e.data = []byte{}
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return ErrClosed
	}
	var cut []*batch
	if len(p.buf) > 0 && (len(p.buf)+1 > p.cfg.maxRecords || p.bufBytes+e.size() > p.cfg.maxBytes) {
		cut = append(cut, p.cutLocked())
	}
	p.buf = append(p.buf, e)
	p.bufBytes += e.size()
	if len(p.buf) >= p.cfg.maxRecords || p.bufBytes >= p.cfg.maxBytes {
		cut = append(cut, p.cutLocked())
	} else if len(p.buf) == 1 && p.cfg.linger > 0 {
		gen := p.gen
		p.timer = time.AfterFunc(p.cfg.linger, func() { p.lingerFlush(gen) })
	}
	p.mu.Unlock()

	var errs []error
	for _, b := range cut {
		errs = append(errs, p.send(ctx, b))
	}
	return errors.Join(errs...)
}

// cutLocked turns the buffer into the next batch of the chain.
func (p *Producer) cutLocked() *batch {
	b := &batch{entries: p.buf, prev: p.tail, done: make(chan struct{})}
	p.tail = b.done
	p.buf = nil
	p.bufBytes = 0
	p.gen++
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	return b
}

func (p *Producer) lingerFlush(gen uint64) {
	p.mu.Lock()
	if p.gen != gen || len(p.buf) == 0 {
		p.mu.Unlock()
		return
	}
	b := p.cutLocked()
	b.async = true
	p.mu.Unlock()
	p.send(context.Background(), b)
}

// send waits for the batch's turn and puts its records.
func (p *Producer) send(ctx context.Context, b *batch) error {
	select {
	case <-b.prev:
	case <-ctx.Done():
		// Keep the chain: this batch is done once its predecessor is.
		go func() {
			<-b.prev
			close(b.done)
		}()
		return p.failAll(b.entries, 0, ctx.Err())
	}
	err := p.putBatch(ctx, b.entries)
	if err != nil && b.async {
		p.mu.Lock()
		p.asyncErr = errors.Join(p.asyncErr, err)
		p.mu.Unlock()
	}
	close(b.done)
	return err
}

// putBatch sends entries, retrying the records the service rejects.
func (p *Producer) putBatch(ctx context.Context, entries []entry) error {
	pending := entries
	var permanent []FailedRecord // rejected with a code a retry cannot fix
	for attempt := 1; ; attempt++ {
		in := &kinesis.PutRecordsInput{
			StreamName: &p.stream,
			Records:    make([]types.PutRecordsRequestEntry, len(pending)),
		}
		for i, e := range pending {
			in.Records[i] = types.PutRecordsRequestEntry{PartitionKey: &pending[i].key, Data: e.data}
		}
		out, err := p.client.PutRecords(ctx, in)
		if err == nil && len(out.Records) != len(pending) {
			err = fmt.Errorf("kinesis: PutRecords answered %d results for %d records", len(out.Records), len(pending))
		}
		if err != nil {
			perr := p.failAll(pending, attempt, err)
			perr.Records = append(permanent, perr.Records...)
			return perr
		}
		var retry []entry
		var failed []FailedRecord
		for i, r := range out.Records {
			code := deref(r.ErrorCode)
			if code == "" {
				continue
			}
			f := FailedRecord{PartitionKey: pending[i].key, Data: pending[i].data, ErrorCode: code, ErrorMessage: deref(r.ErrorMessage)}
			if retryableRecordError(code) {
				retry = append(retry, pending[i])
				failed = append(failed, f)
			} else {
				permanent = append(permanent, f)
			}
		}
		if len(retry) == 0 {
			if len(permanent) == 0 {
				return nil
			}
			return &PutError{Stream: p.stream, Attempts: attempt, Records: permanent}
		}
		if attempt >= p.cfg.maxAttempts {
			return &PutError{Stream: p.stream, Attempts: attempt, Records: append(permanent, failed...)}
		}
		if err := sleep(ctx, backoff(p.cfg.baseDelay, p.cfg.maxDelay, attempt)); err != nil {
			return &PutError{Stream: p.stream, Attempts: attempt, Records: append(permanent, failed...), Err: err}
		}
		pending = retry
	}
}

// failAll reports every record of entries as failed by err.
func (p *Producer) failAll(entries []entry, attempts int, err error) *PutError {
	code, msg := "", err.Error()
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, msg = apiErr.ErrorCode(), apiErr.ErrorMessage()
	}
	failed := make([]FailedRecord, len(entries))
	for i, e := range entries {
		failed[i] = FailedRecord{PartitionKey: e.key, Data: e.data, ErrorCode: code, ErrorMessage: msg}
	}
	return &PutError{Stream: p.stream, Attempts: attempts, Records: failed, Err: err}
}

// retryableRecordError reports whether a record PutRecords rejected with
// code may succeed when sent again. The KMS errors listed are about the
// stream's encryption key and persist until someone fixes the key.
func retryableRecordError(code string) bool {
	switch code {
	case "KMSAccessDeniedException", "KMSDisabledException", "KMSInvalidStateException",
		"KMSNotFoundException", "KMSOptInRequired":
		return false
	}
	return true
}

// Flush sends the buffered records and waits until every record buffered
// before the call was sent or failed. It returns the errors of this send
// and of linger sends (WithLinger) not reported yet.
func (p *Producer) Flush(ctx context.Context) error {
	p.mu.Lock()
	var b *batch
	if len(p.buf) > 0 {
		b = p.cutLocked()
	}
	tail := p.tail
	p.mu.Unlock()

	var err error
	if b != nil {
		err = p.send(ctx, b)
	} else {
		select {
		case <-tail:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	p.mu.Lock()
	asyncErr := p.asyncErr
	p.asyncErr = nil
	p.mu.Unlock()
	return errors.Join(asyncErr, err)
}

// Close flushes the Producer and refuses further records with ErrClosed.
// Closing again only flushes (there is nothing left).
func (p *Producer) Close(ctx context.Context) error {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	return p.Flush(ctx)
}

// FailedRecord is a record a Producer could not put.
type FailedRecord struct {
	PartitionKey string
	// Data is the record as it was sent (framed), so it can be put again
	// with PutRaw.
	Data []byte
	// ErrorCode is the service's code for the record
	// (ProvisionedThroughputExceededException, InternalFailure, ...) or
	// of the failed call; empty when the call failed without one.
	ErrorCode    string
	ErrorMessage string
}

// PutError reports the records of a batch that were not put: rejected
// individually until the attempts ran out, or all of them when a call
// failed as a whole (Err).
type PutError struct {
	Stream string
	// Attempts is the number of PutRecords calls made for the batch.
	Attempts int
	Records  []FailedRecord
	// Err is why the batch stopped early: the error of a failed call or
	// the context's error; nil when the records were rejected
	// individually.
	Err error
}

// Error lists the first few failed records.
func (e *PutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kinesis: %d record(s) not put to stream %s", len(e.Records), e.Stream)
	if e.Attempts > 0 {
		fmt.Fprintf(&b, " after %d attempt(s)", e.Attempts)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	const show = 3
	for i, r := range e.Records {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(e.Records)-show)
			break
		}
		sep := ";"
		if i == 0 {
			sep = ":"
		}
		fmt.Fprintf(&b, "%s partition key %q", sep, truncate(r.PartitionKey))
		if r.ErrorCode != "" {
			fmt.Fprintf(&b, ": %s", r.ErrorCode)
		}
		if r.ErrorMessage != "" && e.Err == nil {
			fmt.Fprintf(&b, ": %s", r.ErrorMessage)
		}
	}
	return b.String()
}

// Unwrap returns Err.
func (e *PutError) Unwrap() error { return e.Err }

// truncate shortens a partition key for an error message.
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= 64 {
		return s
	}
	return string([]rune(s)[:61]) + "..."
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
