// Command kinesis produces and consumes PaymentCaptured records on an
// Amazon Kinesis data stream, framed by Carta's SerDe with the schema
// version registered in Carta (or AWS Glue), the way AWS's Glue SerDe
// libraries frame them.
//
//	go run ./examples/kinesis produce --carta-url http://127.0.0.1:8081 --kinesis-url http://127.0.0.1:4567 --count 10
//	go run ./examples/kinesis consume --carta-url http://127.0.0.1:8081 --kinesis-url http://127.0.0.1:4567 --count 10
//
// Register the schema first, as a producer's CI would:
//
//	carta register --registry payments --schema PaymentCaptured --file examples/payments/payment_v1.avsc --create
//
// Without --carta-url and --kinesis-url the endpoints come from the AWS
// configuration (AWS_ENDPOINT_URL_GLUE, AWS_ENDPOINT_URL_KINESIS, ...),
// else AWS itself; region and credentials come from the standard AWS
// configuration chain (Carta accepts any credentials).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/kinesis"
	"github.com/cartaschema/carta/serde/wire"
)

// PaymentCaptured is the Go form of examples/payments/payment_v2.avsc. A
// writer schema without settlement_currency (version 1) ignores that field.
type PaymentCaptured struct {
	PaymentID          string  `avro:"payment_id"`
	AmountCents        int64   `avro:"amount_cents"`
	Currency           string  `avro:"currency"`
	SettlementCurrency *string `avro:"settlement_currency"`
}

const usage = `usage: kinesis produce|consume [flags]

produce puts --count PaymentCaptured records (payment IDs from --start on);
consume prints records as they arrive, until --count of them or an interrupt.
Both create the stream when it does not exist.

flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); errors.Is(err, flag.ErrHelp) {
		os.Exit(2) // the flag package printed the usage
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "kinesis:", err)
		os.Exit(1)
	}
}

type options struct {
	cartaURL, kinesisURL string
	registry, schema     string
	stream               string
	shards               int
	count, start         int
	schemaFile           string
	compress             bool
	readerSchemaFile     string
	checkpointFile       string
	poll                 time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "produce" && args[0] != "consume") {
		return errors.New("name a command: produce or consume (produce -h for help)")
	}
	cmd := args[0]
	var o options
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	fs.StringVar(&o.cartaURL, "carta-url", "", "the registry's Glue API `endpoint`, Carta's URL (default: the AWS configuration's Glue endpoint)")
	fs.StringVar(&o.kinesisURL, "kinesis-url", "", "the Kinesis `endpoint` (default: the AWS configuration's Kinesis endpoint)")
	fs.StringVar(&o.registry, "registry", "payments", "the registry `name`")
	fs.StringVar(&o.schema, "schema", "PaymentCaptured", "the schema `name`")
	fs.StringVar(&o.stream, "stream", "payments", "the stream `name`")
	fs.IntVar(&o.shards, "shards", 2, "shards of the stream when it is created")
	fs.IntVar(&o.count, "count", 10, "records to produce, or to consume before stopping (0: consume until interrupted)")
	fs.IntVar(&o.start, "start", 1, "produce: the number of the first payment ID")
	fs.StringVar(&o.schemaFile, "schema-file", "", "produce: write with the version whose definition is in `FILE` (default: the latest version)")
	fs.BoolVar(&o.compress, "zlib", false, "produce: compress records with zlib")
	fs.StringVar(&o.readerSchemaFile, "reader-schema", "", "consume: decode into the Avro schema in `FILE` (default: each record's writer schema)")
	fs.StringVar(&o.checkpointFile, "checkpoints", "", "consume: resume from and save the shard checkpoints in `FILE`")
	fs.DurationVar(&o.poll, "poll", time.Second, "consume: the wait between two reads of a shard")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.Region == "" && (o.cartaURL != "" || o.kinesisURL != "") {
		cfg.Region = "us-east-1" // any region does for local endpoints
	}
	reg := glue.New(awsglue.NewFromConfig(cfg, func(opts *awsglue.Options) {
		if o.cartaURL != "" {
			opts.BaseEndpoint = aws.String(o.cartaURL)
		}
	}))
	kc := awskinesis.NewFromConfig(cfg, func(opts *awskinesis.Options) {
		if o.kinesisURL != "" {
			opts.BaseEndpoint = aws.String(o.kinesisURL)
		}
	})
	if err := ensureStream(ctx, kc, o.stream, o.shards, stdout); err != nil {
		return err
	}
	if cmd == "produce" {
		return produce(ctx, reg, kc, o, stdout)
	}
	return consume(ctx, reg, kc, o, stdout)
}

func produce(ctx context.Context, reg serde.Registry, kc *awskinesis.Client, o options, stdout io.Writer) error {
	opts := []serde.Option{serde.WithSchema(o.registry, o.schema)}
	if o.schemaFile != "" {
		def, err := os.ReadFile(o.schemaFile)
		if err != nil {
			return err
		}
		// Write with the version whose definition this is; the registry
		// must have it (auto-registration is off).
		opts = append(opts, serde.WithDefinition(string(def)))
	}
	if o.compress {
		opts = append(opts, serde.WithCompression(wire.CompressionZlib))
	}
	ser, err := serde.NewSerializer(reg, serde.Avro, opts...)
	if err != nil {
		return err
	}
	// Resolve the writer version before the first record, to fail early.
	s, err := ser.Schema(ctx, o.stream)
	if errors.Is(err, serde.ErrNotFound) {
		return fmt.Errorf("%w\nregister the schema first, e.g.: carta register --registry %s --schema %s --file examples/payments/payment_v1.avsc --create",
			err, o.registry, o.schema)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "writing with %s version %d (version-id %s)\n", s.Ref, s.Version, s.VersionID)

	p := kinesis.NewProducer(kc, o.stream, ser)
	for i := o.start; i < o.start+o.count; i++ {
		v := PaymentCaptured{PaymentID: fmt.Sprintf("p-%04d", i), AmountCents: int64(i) * 125, Currency: "EUR"}
		if i%2 == 0 {
			v.SettlementCurrency = aws.String("USD")
		}
		// The payment ID is the partition key: a payment's records stay
		// in order on one shard.
		if err := p.Put(ctx, v.PaymentID, v); err != nil {
			return err
		}
	}
	if err := p.Close(ctx); err != nil {
		var perr *kinesis.PutError
		if errors.As(err, &perr) {
			for _, r := range perr.Records {
				fmt.Fprintf(stdout, "not put: %s: %s %s\n", r.PartitionKey, r.ErrorCode, r.ErrorMessage)
			}
		}
		return err
	}
	fmt.Fprintf(stdout, "put %d records to stream %s\n", o.count, o.stream)
	return nil
}

func consume(ctx context.Context, reg serde.Registry, kc *awskinesis.Client, o options, stdout io.Writer) error {
	var opts []serde.Option
	if o.readerSchemaFile != "" {
		def, err := os.ReadFile(o.readerSchemaFile)
		if err != nil {
			return err
		}
		opts = append(opts, serde.WithReaderSchema(string(def)))
	}
	des, err := serde.NewDeserializer(reg, opts...)
	if err != nil {
		return err
	}
	copts := []kinesis.ConsumerOption{kinesis.WithPollInterval(o.poll)}
	if o.checkpointFile != "" {
		cp, err := loadCheckpoints(o.checkpointFile)
		if err != nil {
			return err
		}
		copts = append(copts, kinesis.WithCheckpoints(cp))
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu   sync.Mutex // records of different shards are handled concurrently
		seen int
	)
	c := kinesis.NewConsumer(kc, o.stream, des, func(ctx context.Context, r kinesis.Record) error {
		mu.Lock()
		defer mu.Unlock()
		if o.count > 0 && seen >= o.count {
			// Past the count: leave the record for the next run.
			cancel()
			return ctx.Err()
		}
		seen++
		if r.Err != nil {
			// A record that cannot be decoded: report it and go on.
			fmt.Fprintf(stdout, "%s %s: cannot decode: %v\n", r.ShardID, r.PartitionKey, r.Err)
		} else {
			b, err := json.Marshal(r.Value)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s %s version %d: %s\n", r.PartitionKey, r.Schema.Ref, r.Schema.Version, b)
		}
		if o.count > 0 && seen == o.count {
			cancel()
		}
		return nil
	}, copts...)
	err = c.Run(ctx)
	if o.checkpointFile != "" {
		if serr := saveCheckpoints(o.checkpointFile, c.Checkpoints()); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read %d records from stream %s\n", seen, o.stream)
	return nil
}

// ensureStream creates the stream when it does not exist and waits until
// it is ACTIVE.
func ensureStream(ctx context.Context, kc *awskinesis.Client, stream string, shards int, stdout io.Writer) error {
	_, err := kc.CreateStream(ctx, &awskinesis.CreateStreamInput{StreamName: aws.String(stream), ShardCount: aws.Int32(int32(shards))})
	var inUse *types.ResourceInUseException
	switch {
	case err == nil:
		fmt.Fprintf(stdout, "created stream %s with %d shards\n", stream, shards)
	case errors.As(err, &inUse): // it exists
	default:
		return err
	}
	for {
		out, err := kc.DescribeStreamSummary(ctx, &awskinesis.DescribeStreamSummaryInput{StreamName: aws.String(stream)})
		if err != nil {
			return err
		}
		if st := out.StreamDescriptionSummary.StreamStatus; st == types.StreamStatusActive || st == types.StreamStatusUpdating {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func loadCheckpoints(file string) (map[string]string, error) {
	b, err := os.ReadFile(file)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var cp map[string]string
	if err := json.Unmarshal(b, &cp); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return cp, nil
}

func saveCheckpoints(file string, cp map[string]string) error {
	b, err := json.MarshalIndent(cp, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(file, append(b, '\n'), 0o644)
}
