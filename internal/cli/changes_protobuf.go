package cli

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/cartaschema/carta/schema/protobuf"
)

// diffProtobuf lists the structural changes between two .proto files: the package, messages
// and enums added or removed (by name relative to the package), fields added, removed or
// changed (by number: name, type, cardinality, oneof), enum values added or removed. Paths follow
// the compatibility checker's: /Message/Nested/<number>, /Message/<oneof>/<number>.
func diffProtobuf(old, new *protobuf.Schema) changeList {
	var l changeList
	of, nf := old.FileDescriptor(), new.FileDescriptor()
	if of.Package() != nf.Package() {
		l.add("changed", "package", "", "", string(of.Package()), string(nf.Package()))
	}
	om, nm := protoMessages(old), protoMessages(new)
	for _, name := range sortedKeys(om) {
		m := om[name]
		n, ok := nm[name]
		if !ok {
			l.add("removed", "message "+name, protoPath(name), "", "", "")
			continue
		}
		protoFields(&l, name, m, n)
	}
	for _, name := range sortedKeys(nm) {
		if _, ok := om[name]; !ok {
			l.add("added", "message "+name, "", protoPath(name), "", "")
		}
	}
	oe, ne := protoEnums(old), protoEnums(new)
	for _, name := range sortedKeys(oe) {
		e := oe[name]
		f, ok := ne[name]
		if !ok {
			l.add("removed", "enum "+name, protoPath(name), "", "", "")
			continue
		}
		ov, nv := e.Values(), f.Values()
		for i := 0; i < ov.Len(); i++ {
			v := ov.Get(i)
			if nv.ByNumber(v.Number()) == nil {
				l.add("removed", fmt.Sprintf("value %s of enum %s", v.Name(), name), fmt.Sprintf("%s/%d", protoPath(name), v.Number()), "", fmt.Sprintf("%s = %d", v.Name(), v.Number()), "")
			} else if w := nv.ByNumber(v.Number()); w.Name() != v.Name() {
				p := fmt.Sprintf("%s/%d", protoPath(name), v.Number())
				l.add("changed", fmt.Sprintf("name of value %d of enum %s", v.Number(), name), p, p, string(v.Name()), string(w.Name()))
			}
		}
		for i := 0; i < nv.Len(); i++ {
			v := nv.Get(i)
			if ov.ByNumber(v.Number()) == nil {
				l.add("added", fmt.Sprintf("value %s of enum %s", v.Name(), name), "", fmt.Sprintf("%s/%d", protoPath(name), v.Number()), "", fmt.Sprintf("%s = %d", v.Name(), v.Number()))
			}
		}
	}
	for _, name := range sortedKeys(ne) {
		if _, ok := oe[name]; !ok {
			l.add("added", "enum "+name, "", protoPath(name), "", "")
		}
	}
	return l
}

func protoFields(l *changeList, msg string, m, n protoreflect.MessageDescriptor) {
	of, nf := m.Fields(), n.Fields()
	for i := 0; i < of.Len(); i++ {
		f := of.Get(i)
		g := nf.ByNumber(f.Number())
		label := fmt.Sprintf("field %d (%s) of %s", f.Number(), f.Name(), msg)
		if g == nil {
			l.add("removed", label, protoFieldPath(msg, f), "", protoFieldText(f), "")
			continue
		}
		op, np := protoFieldPath(msg, f), protoFieldPath(msg, g)
		if f.Name() != g.Name() {
			l.add("changed", "name of "+label, op, np, string(f.Name()), string(g.Name()))
		}
		if a, b := protoTypeText(f), protoTypeText(g); a != b {
			l.add("changed", "type of "+label, op, np, a, b)
		}
		if a, b := protoCardinality(f), protoCardinality(g); a != b {
			l.add("changed", "cardinality of "+label, op, np, a, b)
		}
		if a, b := oneofName(f), oneofName(g); a != b {
			l.add("changed", "oneof of "+label, op, np, orNone(a), orNone(b))
		}
	}
	for i := 0; i < nf.Len(); i++ {
		g := nf.Get(i)
		if of.ByNumber(g.Number()) == nil {
			l.add("added", fmt.Sprintf("field %d (%s) of %s", g.Number(), g.Name(), msg), "", protoFieldPath(msg, g), "", protoFieldText(g))
		}
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func oneofName(f protoreflect.FieldDescriptor) string {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return string(o.Name())
	}
	return ""
}

func protoFieldPath(msg string, f protoreflect.FieldDescriptor) string {
	if o := oneofName(f); o != "" {
		return fmt.Sprintf("%s/%s/%d", protoPath(msg), o, f.Number())
	}
	return fmt.Sprintf("%s/%d", protoPath(msg), f.Number())
}

func protoPath(rel string) string { return "/" + strings.ReplaceAll(rel, ".", "/") }

func protoFieldText(f protoreflect.FieldDescriptor) string {
	s := protoTypeText(f) + " " + string(f.Name())
	if c := protoCardinality(f); c != "singular" {
		s = c + " " + s
	}
	return s
}

func protoTypeText(f protoreflect.FieldDescriptor) string {
	if f.IsMap() {
		return "map<" + protoTypeText(f.MapKey()) + ", " + protoTypeText(f.MapValue()) + ">"
	}
	switch f.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		return string(f.Message().FullName())
	case protoreflect.EnumKind:
		return string(f.Enum().FullName())
	}
	return f.Kind().String()
}

func protoCardinality(f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return "map"
	case f.Cardinality() == protoreflect.Repeated:
		return "repeated"
	case f.Cardinality() == protoreflect.Required:
		return "required"
	}
	return "singular"
}

// protoMessages indexes a file's messages (map entries aside) by name relative to its package.
func protoMessages(s *protobuf.Schema) map[string]protoreflect.MessageDescriptor {
	pkg := string(s.FileDescriptor().Package())
	out := map[string]protoreflect.MessageDescriptor{}
	for _, m := range s.Messages() {
		if !m.IsMapEntry() {
			out[relName(pkg, m.FullName())] = m
		}
	}
	return out
}

// protoEnums indexes a file's enums, top-level and nested, by name relative to its package.
func protoEnums(s *protobuf.Schema) map[string]protoreflect.EnumDescriptor {
	fd := s.FileDescriptor()
	pkg := string(fd.Package())
	out := map[string]protoreflect.EnumDescriptor{}
	add := func(es protoreflect.EnumDescriptors) {
		for i := 0; i < es.Len(); i++ {
			out[relName(pkg, es.Get(i).FullName())] = es.Get(i)
		}
	}
	add(fd.Enums())
	for _, m := range s.Messages() {
		add(m.Enums())
	}
	return out
}

func relName(pkg string, full protoreflect.FullName) string {
	if pkg == "" {
		return string(full)
	}
	return strings.TrimPrefix(string(full), pkg+".")
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
