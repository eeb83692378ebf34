package markuptest

import "testing"

// The checker must catch what it is for, or every test using it passes
// for nothing.
func TestCheckFragment(t *testing.T) {
	tests := []struct {
		html string
		ok   bool
	}{
		{`<p><a href="https://x.example/" rel="noreferrer">x</a> <img src="/f/1" alt="g"></p>`, true},
		{`<table><tr><td align="left" style="text-align:left">1</td></tr></table>`, true},
		{`<a href="javascript:alert(1)" rel="noreferrer">x</a>`, false},
		{`<a href="&#106;avascript:alert(1)" rel="noreferrer">x</a>`, false},
		{`<a href="&amp;#106;avascript:alert(1)" rel="noreferrer">x</a>`, false},
		{`<a href=" JaVa&#9;Script:alert(1)" rel="noreferrer">x</a>`, false},
		{`<img src="data:image/png;base64,AA" alt="">`, false},
		{`<a href="vbscript:x" rel="noreferrer">x</a>`, false},
		{`<a href="https://x.example/">raw</a>`, false},
		{`<img src=x onerror=alert(1)>`, false},
		{`<p onclick="x">p</p>`, false},
		{`<script>alert(1)</script>`, false},
		{`<div>raw</div>`, false},
		{`<!-- raw HTML omitted -->`, false},
		{`<td style="background:url(javascript:x)">`, false},
	}
	for _, tc := range tests {
		if err := CheckFragment(tc.html); (err == nil) != tc.ok {
			t.Errorf("CheckFragment(%q) = %v, want ok=%v", tc.html, err, tc.ok)
		}
	}
}

func TestCheckPage(t *testing.T) {
	tests := []struct {
		html string
		ok   bool
	}{
		{`<html><head><script src="/static/app.js" defer></script></head><body><form action="/login"><div class="x">y</div></form></body></html>`, true},
		{`<script>alert(1)</script>`, false},
		{`<script src="https://cdn.example/x.js"></script>`, false},
		{`<form action="javascript:alert(1)"></form>`, false},
		{`<button formaction="JAVASCRIPT:x">`, false},
		{`<body onload="x">`, false},
		{`<a href="data:text/html,x">x</a>`, false},
	}
	for _, tc := range tests {
		if err := CheckPage(tc.html); (err == nil) != tc.ok {
			t.Errorf("CheckPage(%q) = %v, want ok=%v", tc.html, err, tc.ok)
		}
	}
}
