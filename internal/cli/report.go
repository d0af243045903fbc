package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cartaschema/carta/schema"
)

// The statuses of a checked schema file.
const (
	statusCompatible   = "compatible"
	statusIncompatible = "incompatible"
	statusInvalid      = "invalid"
	statusNew          = "new"
	statusDeleted      = "deleted"
	statusUnchecked    = "unchecked" // the mode checks nothing (NONE, DISABLED)
)

// report is the verdict on one schema file. Its JSON form is the CLI's JSON output.
type report struct {
	// File is the checked (new) schema file, as given or as declared in carta.yaml.
	File string `json:"file"`
	// Against names what it was checked against: a file, "REF:path", or "registry/schema".
	Against string        `json:"against,omitempty"`
	Format  schema.Format `json:"format,omitempty"`
	Mode    schema.Mode   `json:"mode,omitempty"`
	Status  string        `json:"status"`
	// Error explains an invalid or deleted schema.
	Error   string   `json:"error,omitempty"`
	ErrorAt position `json:"error_at,omitzero"`
	// Incompatibilities lists every finding, each with its place in File.
	Incompatibilities []finding `json:"incompatibilities"`

	loc *locator // places findings in File
}

// finding is an incompatibility with its place in the new schema's file.
type finding struct {
	schema.Incompatibility
	position
}

// MarshalJSON flattens the two embedded values (both have JSON tags of their own).
func (f finding) MarshalJSON() ([]byte, error) {
	type out struct {
		Rule      string           `json:"rule"`
		Path      string           `json:"path"`
		Direction schema.Direction `json:"direction"`
		Version   int64            `json:"version,omitempty"`
		Message   string           `json:"message"`
		Line      int              `json:"line,omitempty"`
		Col       int              `json:"col,omitempty"`
	}
	return json.Marshal(out{f.Rule, f.Path, f.Direction, f.Version, f.Message, f.Line, f.Col})
}

func (r *report) ok() bool {
	switch r.Status {
	case statusCompatible, statusNew, statusUnchecked:
		return true
	}
	return false
}

// locate fills the places of r's findings.
func (r *report) locate(l *locator, found []schema.Incompatibility) {
	r.loc = l
	r.Incompatibilities = make([]finding, 0, len(found))
	for _, inc := range found {
		r.Incompatibilities = append(r.Incompatibilities, finding{inc, l.finding(inc)})
	}
	if len(found) > 0 {
		r.Status = statusIncompatible
	} else if r.Status == "" {
		r.Status = statusCompatible
	}
}

// output is an --output value.
type output string

const (
	outText   output = "text"
	outJSON   output = "json"
	outGitHub output = "github"
)

func parseOutput(v string) (output, error) {
	switch o := output(strings.ToLower(v)); o {
	case outText, outJSON, outGitHub:
		return o, nil
	}
	return "", usageError("unknown output %q: want text, json or github", v)
}

// printReports writes reports in the chosen output. single selects the JSON shape: one object
// for a one-file check, {"compatible": …, "schemas": […]} for carta.yaml checks.
func printReports(w io.Writer, out output, single bool, reports []*report) {
	switch out {
	case outJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if single && len(reports) == 1 {
			enc.Encode(reports[0])
			return
		}
		ok := true
		for _, r := range reports {
			ok = ok && r.ok()
		}
		enc.Encode(struct {
			Compatible bool      `json:"compatible"`
			Schemas    []*report `json:"schemas"`
		}{ok, reports})
	case outGitHub:
		for _, r := range reports {
			printGitHub(w, r)
			printText(w, r, false)
		}
	default:
		for _, r := range reports {
			printText(w, r, true)
		}
	}
}

// printText writes a report for people: a summary line, then one line per finding prefixed
// with file:line:col as compilers print it, so editors and terminals can jump to it.
func printText(w io.Writer, r *report, details bool) {
	mode := ""
	if r.Mode != "" {
		mode = fmt.Sprintf(" (%s)", r.Mode)
	}
	switch r.Status {
	case statusCompatible:
		fmt.Fprintf(w, "%s: compatible with %s%s\n", r.File, r.Against, mode)
	case statusUnchecked:
		fmt.Fprintf(w, "%s: not checked: compatibility %s checks nothing\n", r.File, r.Mode)
	case statusNew:
		fmt.Fprintf(w, "%s: new schema, nothing to check against at %s\n", r.File, r.Against)
	case statusDeleted:
		fmt.Fprintf(w, "%s: %s\n", r.File, r.Error)
	case statusInvalid:
		fmt.Fprintf(w, "%s%s: %s\n", r.File, at(r.ErrorAt), r.Error)
	case statusIncompatible:
		fmt.Fprintf(w, "%s: incompatible with %s%s: %s\n", r.File, r.Against, mode, plural(len(r.Incompatibilities), "incompatibility", "incompatibilities"))
		if details {
			for _, f := range r.Incompatibilities {
				fmt.Fprintf(w, "%s%s: %s\n", r.File, at(f.position), describe(f.Incompatibility))
			}
		}
	}
}

// describe renders a finding on one line: the rule, where, the direction and the version it
// breaks, and the message (which names the field and the fix).
func describe(inc schema.Incompatibility) string {
	path := inc.Path
	if path == "" {
		path = "/"
	}
	breaks := "breaks the old schema"
	if inc.Version > 0 {
		breaks = fmt.Sprintf("breaks version %d", inc.Version)
	}
	return fmt.Sprintf("%s at %s (%s, %s): %s", inc.Rule, path, inc.Direction, breaks, inc.Message)
}

func at(p position) string {
	if p.Line == 0 {
		return ""
	}
	return fmt.Sprintf(":%d:%d", p.Line, p.Col)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// printGitHub writes GitHub Actions workflow commands, one ::error per problem, placed on the
// line of the schema file the problem is at.
func printGitHub(w io.Writer, r *report) {
	switch r.Status {
	case statusIncompatible:
		for _, f := range r.Incompatibilities {
			fmt.Fprintf(w, "::error %s::%s\n", ghProps(r.File, f.position, f.Rule), ghData(describe(f.Incompatibility)))
		}
	case statusInvalid:
		fmt.Fprintf(w, "::error %s::%s\n", ghProps(r.File, r.ErrorAt, "invalid schema"), ghData(r.Error))
	case statusDeleted:
		fmt.Fprintf(w, "::error %s::%s\n", ghProps(r.File, position{}, "schema deleted"), ghData(r.Error))
	}
}

func ghProps(file string, p position, title string) string {
	s := "file=" + ghProp(file)
	if p.Line > 0 {
		s += fmt.Sprintf(",line=%d,col=%d", p.Line, p.Col)
	}
	return s + ",title=" + ghProp(title)
}

// ghData escapes a workflow command's message as the Actions runner unescapes it.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
