package confluent

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cartaschema/carta/internal/registry"
)

// endpoint serves one method of one route: it returns the value to answer with (JSON, or
// rawText) or an error.
type endpoint func(h *handler, c *call) (any, error)

// route is a path pattern, one segment per element ("{name}" is a parameter), and the
// endpoints of its methods.
type route struct {
	pattern []string
	methods map[string]endpoint
}

// routes is the dispatch table. Paths under /contexts/{context}/ are matched against it with
// that prefix removed.
var routes = []route{
	{nil, map[string]endpoint{http.MethodGet: (*handler).root, http.MethodPost: (*handler).root}},
	{[]string{"schemas", "types"}, map[string]endpoint{http.MethodGet: (*handler).schemaTypes}},
	{[]string{"schemas", "ids", "{id}"}, map[string]endpoint{http.MethodGet: (*handler).schemaByID}},
	{[]string{"schemas", "ids", "{id}", "schema"}, map[string]endpoint{http.MethodGet: (*handler).schemaTextByID}},
	{[]string{"schemas", "ids", "{id}", "subjects"}, map[string]endpoint{http.MethodGet: (*handler).subjectsByID}},
	{[]string{"schemas", "ids", "{id}", "versions"}, map[string]endpoint{http.MethodGet: (*handler).versionsByID}},
	{[]string{"subjects"}, map[string]endpoint{http.MethodGet: (*handler).subjects}},
	{[]string{"subjects", "{subject}"}, map[string]endpoint{http.MethodPost: (*handler).lookup, http.MethodDelete: (*handler).deleteSubject}},
	{[]string{"subjects", "{subject}", "versions"}, map[string]endpoint{
		http.MethodGet: (*handler).subjectVersions, http.MethodPost: (*handler).register}},
	{[]string{"subjects", "{subject}", "versions", "{version}"}, map[string]endpoint{
		http.MethodGet: (*handler).subjectVersion, http.MethodDelete: (*handler).deleteSubjectVersion}},
	{[]string{"subjects", "{subject}", "versions", "{version}", "schema"}, map[string]endpoint{http.MethodGet: (*handler).subjectVersionText}},
	{[]string{"compatibility", "subjects", "{subject}", "versions"}, map[string]endpoint{http.MethodPost: (*handler).compatibility}},
	{[]string{"compatibility", "subjects", "{subject}", "versions", "{version}"}, map[string]endpoint{http.MethodPost: (*handler).compatibility}},
	{[]string{"config"}, map[string]endpoint{
		http.MethodGet: (*handler).getConfig, http.MethodPut: (*handler).putConfig, http.MethodDelete: (*handler).deleteConfig}},
	{[]string{"config", "{subject}"}, map[string]endpoint{
		http.MethodGet: (*handler).getConfig, http.MethodPut: (*handler).putConfig, http.MethodDelete: (*handler).deleteConfig}},
	{[]string{"mode"}, map[string]endpoint{
		http.MethodGet: (*handler).getMode, http.MethodPut: (*handler).putMode, http.MethodDelete: (*handler).deleteMode}},
	{[]string{"mode", "{subject}"}, map[string]endpoint{
		http.MethodGet: (*handler).getMode, http.MethodPut: (*handler).putMode, http.MethodDelete: (*handler).deleteMode}},
	{[]string{"contexts"}, map[string]endpoint{http.MethodGet: (*handler).contexts}},
	{[]string{"v1", "metadata", "id"}, map[string]endpoint{http.MethodGet: (*handler).metadataID}},
	{[]string{"schemas"}, map[string]endpoint{http.MethodGet: (*handler).schemas}},
	{[]string{"schemas", "guids", "{guid}"}, map[string]endpoint{http.MethodGet: (*handler).schemaByGUID}},
	{[]string{"subjects", "{subject}", "versions", "{version}", "referencedby"}, map[string]endpoint{http.MethodGet: (*handler).referencedBy}},
}

// serve routes the request and runs its endpoint.
func (h *handler) serve(c *call) (any, error) {
	segs, ok := segments(c.r.URL)
	if !ok {
		return nil, routeNotFound(c.r)
	}
	if len(segs) >= 2 && segs[0] == "contexts" {
		reg, err := contextRegistry(segs[1])
		if err != nil {
			return nil, err
		}
		c.registry = reg
		segs = segs[2:]
	}
	for _, rt := range routes {
		params, ok := match(rt.pattern, segs)
		if !ok {
			continue
		}
		c.route = "/" + strings.Join(rt.pattern, "/")
		fn := rt.methods[c.r.Method]
		if fn == nil {
			allowed := make([]string, 0, len(rt.methods))
			for m := range rt.methods {
				allowed = append(allowed, m)
			}
			slices.Sort(allowed)
			c.w.Header().Set("Allow", strings.Join(allowed, ", "))
			return nil, newError(http.StatusMethodNotAllowed, codeMethodNotAllowed, "HTTP %d Method Not Allowed: %s %s takes %s.",
				http.StatusMethodNotAllowed, c.r.Method, truncate(c.r.URL.Path, 256), strings.Join(allowed, ", "))
		}
		c.params = params
		if err := checkContentType(c.r); err != nil {
			return nil, err
		}
		return fn(h, c)
	}
	return nil, routeNotFound(c.r)
}

func routeNotFound(r *http.Request) error {
	return newError(http.StatusNotFound, codeNotFoundRoute, "HTTP 404 Not Found: Carta serves no %s %s.", r.Method, truncate(r.URL.Path, 256))
}

// segments splits the path of u into unescaped segments, without the leading slash and one
// trailing slash. A segment that does not unescape fails.
func segments(u *url.URL) ([]string, bool) {
	p := strings.TrimPrefix(u.EscapedPath(), "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return nil, true
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		v, err := url.PathUnescape(s)
		if err != nil {
			return nil, false
		}
		parts[i] = v
	}
	return parts, true
}

// match matches segments against a pattern and returns the parameters.
func match(pattern, segs []string) (map[string]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if p != segs[i] {
			return nil, false
		}
	}
	return params, true
}

// contextRegistry maps a Confluent context name to its registry: the default context ("" or
// ".") to the default registry, ".name" (or "name") to the registry name.
func contextRegistry(ctx string) (string, error) {
	name := strings.TrimPrefix(ctx, ".")
	if name == "" {
		return registry.DefaultRegistry, nil
	}
	if err := checkName(name, "context"); err != nil {
		return "", err
	}
	return name, nil
}

// registryContext is the context name of a registry: "" for the default registry.
func registryContext(reg string) string {
	if reg == registry.DefaultRegistry {
		return ""
	}
	return "." + reg
}

// subject is a subject name resolved to the schema it names.
type subject struct {
	ref registry.SchemaRef
}

// subjectName is the name of a schema as the request's answer shows it: its plain name when it
// is in the request's context and that is the default context; else qualified, ":.registry:name"
// (":.:name" for the default context), so that the name resolves to the schema from whichever
// context a client sends it back in.
func (c *call) subjectName(ref registry.SchemaRef) string {
	switch {
	case ref.Registry != registry.DefaultRegistry:
		return ":." + ref.Registry + ":" + ref.Name
	case c.registry != registry.DefaultRegistry:
		return ":.:" + ref.Name
	}
	return ref.Name
}

// subjectParam resolves the {subject} parameter: a plain name is in the URL's context, a
// qualified one (":.ctx:name") in the context it names. forWrite validates the name as a Glue
// schema name (42208 when it is not one); a read of a name that cannot exist is a 40401.
func (h *handler) subjectParam(c *call, forWrite bool) (subject, error) {
	raw := c.params["subject"]
	reg, name := c.registry, raw
	if strings.HasPrefix(raw, ":") {
		ctx, rest, ok := cutQualified(raw)
		if !ok {
			return subject{}, h.badSubject(raw, forWrite, "a qualified subject is :.context:name")
		}
		r, err := contextRegistry(ctx)
		if err != nil {
			if forWrite {
				return subject{}, err
			}
			return subject{}, subjectNotFoundError(raw)
		}
		reg, name = r, rest
	}
	if err := checkName(name, "subject"); err != nil {
		if forWrite {
			return subject{}, err
		}
		return subject{}, subjectNotFoundError(raw)
	}
	return subject{ref: registry.SchemaRef{Registry: reg, Name: name}}, nil
}

func (h *handler) badSubject(raw string, forWrite bool, why string) error {
	if !forWrite {
		return subjectNotFoundError(raw)
	}
	return unprocessable(codeInvalidSubject, "Invalid subject %q: %s.", truncate(raw, 256), why)
}

func subjectNotFoundError(raw string) error {
	return newError(http.StatusNotFound, codeSubjectNotFound, "Subject '%s' not found.", truncate(raw, 256))
}

// truncate shortens s to at most n bytes for echoing untrusted input in messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "..."
}
