// Package kinesis carries SerDe-framed records over Amazon Kinesis Data
// Streams with the AWS SDK for Go v2.
//
// A Producer frames values with a Serializer (the stream name is the topic
// its naming strategy sees), buffers them and sends them with PutRecords in
// batches within the service's limits (500 records and 5 MiB a call, 1 MiB a
// record including its partition key). Records the service rejects
// individually are retried with exponential backoff and jitter; those that
// never make it are reported in a *PutError.
//
// A Consumer reads every shard of a stream with GetRecords, follows
// resharding (a closed shard's children are read once their parents are
// finished), decodes each record with a Deserializer and hands it to a
// Handler, with the decode error in Record.Err rather than stopping. It keeps
// the sequence number of the last record handled per shard, so a new
// Consumer can resume where an earlier one stopped (WithCheckpoints).
//
// The package needs only the Serializer and Deserializer interfaces below;
// serde.Serializer and serde.Deserializer implement them. The Kinesis client
// is any value with the needed methods, normally a *kinesis.Client from
// github.com/aws/aws-sdk-go-v2/service/kinesis.
package kinesis
