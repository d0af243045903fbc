package protobuf

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"github.com/cartaschema/carta/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// fileName is the name the definition is compiled under. It appears in the descriptor
// (FileDescriptor().Path()) but never in the canonical form or in messages.
const fileName = "schema.proto"

// parseError builds the *schema.ParseError every failure of a definition is reported as.
func parseError(path, format string, args ...any) *schema.ParseError {
	return &schema.ParseError{Format: schema.Protobuf, Path: path, Msg: fmt.Sprintf(format, args...)}
}

// notServed is what the resolver answers for every file but the definition and the
// well-known types. The compiler reports it at the import statement.
type notServed struct {
	path string
	refs bool // the definition has references
}

// Error names the import and what can be imported instead.
func (e notServed) Error() string {
	if e.refs {
		return fmt.Sprintf("import %q cannot be resolved: only the well-known types google/protobuf/*.proto and the definition's references are available", e.path)
	}
	return fmt.Sprintf("import %q cannot be resolved: only the well-known types google/protobuf/*.proto are available", e.path)
}

// compile parses and links definition with an in-memory resolver: the definition is the only
// source file besides imports (import path to source, the definition's references), and the
// well-known types bundled with protocompile the only other imports. Nothing is read from
// disk, whatever the import path looks like.
func compile(definition string, imports map[string]string) (protoreflect.FileDescriptor, error) {
	var first reporter.ErrorWithPos
	c := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
			if path == fileName {
				return protocompile.SearchResult{Source: strings.NewReader(definition)}, nil
			}
			if src, ok := imports[path]; ok {
				return protocompile.SearchResult{Source: strings.NewReader(src)}, nil
			}
			return protocompile.SearchResult{}, notServed{path, len(imports) > 0}
		})),
		MaxParallelism: 1,
		Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
			if first == nil {
				first = err
			}
			return err
		}, nil),
	}
	files, err := c.Compile(context.Background(), fileName)
	if err != nil {
		// Import failures bypass the reporter but carry a position all the same.
		if first == nil {
			errors.As(err, &first)
		}
		if first != nil {
			return nil, translate(first)
		}
		// A panic inside protocompile is a compiler bug, not a fault of the definition:
		// it is reported as an internal error (protocompile recovered it for us).
		var panicked protocompile.PanicError
		if errors.As(err, &panicked) {
			return nil, fmt.Errorf("protobuf compiler failed: %v", panicked.Value)
		}
		return nil, parseError("", "%s", clean(err.Error()))
	}
	if files[0].Messages().Len() == 0 {
		return nil, parseError("", "the definition declares no message type; a schema needs at least one to describe data")
	}
	return files[0], nil
}

// translate turns a positioned compiler error into a *schema.ParseError with Path
// "line:column". Unresolvable imports get a message that says what can be imported.
func translate(err reporter.ErrorWithPos) error {
	pos := err.GetPosition()
	path := ""
	if pos.Line > 0 {
		path = fmt.Sprintf("%d:%d", pos.Line, pos.Col)
	}
	cause := err.Unwrap()
	var ns notServed
	if errors.As(cause, &ns) {
		return parseError(path, "%s", ns.Error())
	}
	return parseError(path, "%s", clean(cause.Error()))
}

// clean removes the internal file name from compiler messages.
func clean(msg string) string {
	return strings.ReplaceAll(msg, fileName+":", "")
}
