package kinesis_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/config"
	awskinesis "github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/cartaschema/carta/serde/kinesis"
)

// PaymentCaptured is the value the example sends.
type PaymentCaptured struct {
	PaymentID string `json:"payment_id"`
	Amount    int64  `json:"amount"`
}

// The example produces one record and consumes the stream until
// interrupted. ser and des would be a *serde.Serializer and a
// *serde.Deserializer bound to a Carta or Glue registry.
func Example() {
	var (
		ser kinesis.Serializer   // a *serde.Serializer
		des kinesis.Deserializer // a *serde.Deserializer
	)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	client := awskinesis.NewFromConfig(cfg)

	p := kinesis.NewProducer(client, "payments", ser)
	if err := p.Put(ctx, "pay-42", PaymentCaptured{PaymentID: "pay-42", Amount: 1999}); err != nil {
		log.Fatal(err)
	}
	if err := p.Close(ctx); err != nil {
		var perr *kinesis.PutError
		if errors.As(err, &perr) {
			for _, r := range perr.Records {
				log.Printf("not put: %s: %s %s", r.PartitionKey, r.ErrorCode, r.ErrorMessage)
			}
		}
		log.Fatal(err)
	}

	c := kinesis.NewConsumer(client, "payments", des, func(ctx context.Context, r kinesis.Record) error {
		if r.Err != nil {
			// A record that cannot be decoded: set it aside, keep going.
			log.Printf("poison record %s on %s: %v", r.SequenceNumber, r.ShardID, r.Err)
			return nil
		}
		fmt.Printf("%s v%d: %v\n", r.Schema.Ref, r.Schema.Version, r.Value)
		return nil
	})
	if err := c.Run(ctx); err != nil {
		log.Fatal(err)
	}
	// Store c.Checkpoints() and pass it to kinesis.WithCheckpoints next time.
	log.Printf("stopped at %v", c.Checkpoints())
}
