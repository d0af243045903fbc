// Command kafka produces and consumes PaymentCaptured records on a Kafka
// topic with franz-go, framed by Carta's SerDe (serde/kafka) with the schema
// version registered in Carta (or AWS Glue): the Glue framing that AWS's
// Glue SerDe libraries use on Amazon MSK.
//
//	go run ./examples/kafka produce --carta-url http://127.0.0.1:8081 --brokers 127.0.0.1:9092 --count 10
//	go run ./examples/kafka consume --carta-url http://127.0.0.1:8081 --brokers 127.0.0.1:9092 --count 10
//
// Register the schema first, as a producer's CI would:
//
//	carta register --registry payments --schema PaymentCaptured --file examples/payments/payment_v1.avsc --create
//
// Without --carta-url the registry endpoint comes from the AWS
// configuration (AWS_ENDPOINT_URL_GLUE, ...), else AWS Glue itself; region
// and credentials come from the standard AWS configuration chain (Carta
// accepts any credentials).
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
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	awsglue "github.com/aws/aws-sdk-go-v2/service/glue"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/cartaschema/carta/serde"
	"github.com/cartaschema/carta/serde/glue"
	"github.com/cartaschema/carta/serde/kafka"
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

const usage = `usage: kafka produce|consume [flags]

produce sends --count PaymentCaptured records (payment IDs from --start on);
consume prints records as they arrive, until --count of them or an interrupt,
and commits the consumer group's offsets.
Both create the topic when it does not exist.

flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); errors.Is(err, flag.ErrHelp) {
		os.Exit(2) // the flag package printed the usage
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "kafka:", err)
		os.Exit(1)
	}
}

type options struct {
	cartaURL         string
	brokers          string
	registry, schema string
	topic            string
	partitions       int
	count, start     int
	schemaFile       string
	compress         bool
	inHeader         bool
	readerSchemaFile string
	group            string
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "produce" && args[0] != "consume") {
		return errors.New("name a command: produce or consume (produce -h for help)")
	}
	cmd := args[0]
	var o options
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), usage); fs.PrintDefaults() }
	brokers := os.Getenv("KAFKA_BROKERS")
	if brokers == "" {
		brokers = "127.0.0.1:9092"
	}
	fs.StringVar(&o.cartaURL, "carta-url", "", "the registry's Glue API `endpoint`, Carta's URL (default: the AWS configuration's Glue endpoint)")
	fs.StringVar(&o.brokers, "brokers", brokers, "comma-separated seed `brokers` (default: $KAFKA_BROKERS)")
	fs.StringVar(&o.registry, "registry", "payments", "the registry `name`")
	fs.StringVar(&o.schema, "schema", "PaymentCaptured", "the schema `name`")
	fs.StringVar(&o.topic, "topic", "payments", "the topic `name`")
	fs.IntVar(&o.partitions, "partitions", 3, "partitions of the topic when it is created")
	fs.IntVar(&o.count, "count", 10, "records to produce, or to consume before stopping (0: consume until interrupted)")
	fs.IntVar(&o.start, "start", 1, "produce: the number of the first payment ID")
	fs.StringVar(&o.schemaFile, "schema-file", "", "produce: write with the version whose definition is in `FILE` (default: the latest version)")
	fs.BoolVar(&o.compress, "zlib", false, "produce: compress record values with zlib (the Glue compression byte)")
	fs.BoolVar(&o.inHeader, "schema-id-in-header", false, "produce: put the framing header in the __value_schema_id record header instead of the value")
	fs.StringVar(&o.readerSchemaFile, "reader-schema", "", "consume: decode into the Avro schema in `FILE` (default: each record's writer schema)")
	fs.StringVar(&o.group, "group", "payments-example", "consume: the consumer `group` whose offsets are committed")
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
	if cfg.Region == "" && o.cartaURL != "" {
		cfg.Region = "us-east-1" // any region does for a local endpoint
	}
	reg := glue.New(awsglue.NewFromConfig(cfg, func(opts *awsglue.Options) {
		if o.cartaURL != "" {
			opts.BaseEndpoint = aws.String(o.cartaURL)
		}
	}))
	seeds := kgo.SeedBrokers(strings.Split(o.brokers, ",")...)
	if err := ensureTopic(ctx, seeds, o.topic, o.partitions, stdout); err != nil {
		return err
	}
	if cmd == "produce" {
		return produce(ctx, reg, seeds, o, stdout)
	}
	return consume(ctx, reg, seeds, o, stdout)
}

func produce(ctx context.Context, reg serde.Registry, seeds kgo.Opt, o options, stdout io.Writer) error {
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
	s, err := ser.Schema(ctx, o.topic)
	if errors.Is(err, serde.ErrNotFound) {
		return fmt.Errorf("%w\nregister the schema first, e.g.: carta register --registry %s --schema %s --file examples/payments/payment_v1.avsc --create",
			err, o.registry, o.schema)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "writing with %s version %d (version-id %s)\n", s.Ref, s.Version, s.VersionID)
	var kopts []kafka.Option
	if o.inHeader {
		kopts = append(kopts, kafka.SchemaIDInHeader())
	}

	cl, err := kgo.NewClient(seeds)
	if err != nil {
		return err
	}
	defer cl.Close()
	var recs []*kgo.Record
	for i := o.start; i < o.start+o.count; i++ {
		v := PaymentCaptured{PaymentID: fmt.Sprintf("p-%04d", i), AmountCents: int64(i) * 125, Currency: "EUR"}
		if i%2 == 0 {
			v.SettlementCurrency = aws.String("USD")
		}
		// The payment ID is the key: a payment's records stay in order on
		// one partition.
		r, err := kafka.Encode(ctx, ser, o.topic, []byte(v.PaymentID), v, kopts...)
		if err != nil {
			return err
		}
		recs = append(recs, r)
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sent %d records to topic %s\n", len(recs), o.topic)
	return nil
}

func consume(ctx context.Context, reg serde.Registry, seeds kgo.Opt, o options, stdout io.Writer) error {
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
	cl, err := kgo.NewClient(seeds,
		kgo.ConsumeTopics(o.topic),
		kgo.ConsumerGroup(o.group),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.DisableAutoCommit(), // commit what was printed, below
	)
	if err != nil {
		return err
	}
	defer cl.Close()

	var done []*kgo.Record
	defer func() {
		// Commit even when interrupted, so the next run starts after the
		// last record printed.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := cl.CommitRecords(cctx, done...); err != nil {
			fmt.Fprintln(os.Stderr, "kafka: commit:", err)
		}
	}()
	for o.count == 0 || len(done) < o.count {
		fetches := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			break
		}
		if err := fetches.Err(); err != nil {
			return err
		}
		for _, r := range fetches.Records() {
			if o.count > 0 && len(done) == o.count {
				break // left for the next run: not committed
			}
			done = append(done, r)
			v, s, err := kafka.DecodeAny(ctx, des, r)
			if err != nil {
				// A record that cannot be decoded: report it and go on.
				fmt.Fprintf(stdout, "%s/%d@%d %s: cannot decode: %v\n", r.Topic, r.Partition, r.Offset, r.Key, err)
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s %s version %d: %s\n", r.Key, s.Ref, s.Version, b)
		}
	}
	fmt.Fprintf(stdout, "read %d records from topic %s\n", len(done), o.topic)
	return nil
}

// ensureTopic creates the topic when it does not exist, with partitions
// partitions and the broker's default replication factor.
func ensureTopic(ctx context.Context, seeds kgo.Opt, topic string, partitions int, stdout io.Writer) error {
	cl, err := kgo.NewClient(seeds)
	if err != nil {
		return err
	}
	defer cl.Close()
	req := kmsg.NewPtrCreateTopicsRequest()
	t := kmsg.NewCreateTopicsRequestTopic()
	t.Topic, t.NumPartitions, t.ReplicationFactor = topic, int32(partitions), -1
	req.Topics = append(req.Topics, t)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, rt := range resp.Topics {
		err := kerr.ErrorForCode(rt.ErrorCode)
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "created topic %s with %d partitions\n", topic, partitions)
		case errors.Is(err, kerr.TopicAlreadyExists):
		default:
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
	}
	return nil
}
