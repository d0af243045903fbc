package schema

import (
	"strings"
	"testing"
)

func TestJSONDepthOffset(t *testing.T) {
	for _, tc := range []struct {
		def  string
		max  int
		want int
	}{
		{`{"a":[1,{"b":2}]}`, 3, -1},
		{`{"a":[1,{"b":2}]}`, 2, 8},
		{`{"a":"[[[[[[{{{{"}`, 1, -1},
		{`{"a":"\"[[["}`, 1, -1},
		{`]]]]]][[`, 1, 7},
		{strings.Repeat("[", 100000), 64, 64},
	} {
		if got := JSONDepthOffset(tc.def, tc.max); got != tc.want {
			t.Errorf("JSONDepthOffset(%.40q, %d) = %d, want %d", tc.def, tc.max, got, tc.want)
		}
	}
}
