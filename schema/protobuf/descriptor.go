package protobuf

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// DefinitionFromDescriptor returns the .proto text of a serialized
// google.protobuf.FileDescriptorProto: the form in which Confluent's serializers register a
// Protobuf schema (base64-decoded). The text is the canonical form of the file (see
// Schema.Canonical), imports and all; the files it imports need not be known here, since the
// text names their types in full. Errors say why the bytes are not a file descriptor.
func DefinitionFromDescriptor(b []byte) (string, error) {
	var fdp descriptorpb.FileDescriptorProto
	if err := (proto.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(b, &fdp); err != nil {
		return "", fmt.Errorf("not a serialized FileDescriptorProto: %v", err)
	}
	if len(fdp.GetMessageType()) == 0 {
		return "", fmt.Errorf("the file descriptor declares no message type")
	}
	if fdp.GetName() == "" {
		fdp.Name = proto.String(fileName)
	}
	file, err := protodesc.FileOptions{AllowUnresolvable: true}.New(&fdp, new(protoregistry.Files))
	if err != nil {
		return "", fmt.Errorf("an invalid file descriptor: %v", err)
	}
	return render(file), nil
}

// Descriptor returns the schema's file as a serialized google.protobuf.FileDescriptorProto, the
// "serialized" form Confluent's deserializers ask for. Its imports are named by their import
// paths.
func (s *Schema) Descriptor() ([]byte, error) {
	return proto.MarshalOptions{Deterministic: true}.Marshal(protodesc.ToFileDescriptorProto(s.file))
}
