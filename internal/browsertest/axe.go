package browsertest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, vendored unmodified under MPL-2.0; see axe/README.md.
//
//go:embed axe/axe.min.js
var axeSource string

// axeTags are the axe-core rule tags that Axe checks: WCAG 2.0, 2.1 and 2.2,
// levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Violation is one axe-core rule that failed, with the elements that failed
// it.
type Violation struct {
	ID          string          `json:"id"`     // rule id, such as "image-alt"
	Impact      string          `json:"impact"` // "minor", "moderate", "serious" or "critical"
	Description string          `json:"description"`
	Help        string          `json:"help"`
	HelpURL     string          `json:"helpUrl"`
	Tags        []string        `json:"tags"`
	Nodes       []ViolationNode `json:"nodes"`
}

// ViolationNode is one element that failed a rule.
type ViolationNode struct {
	// Target is the selector path of the element. It has more than one
	// entry when the element is inside iframes or shadow roots; the entries
	// of a shadow DOM path are joined with " >>> ".
	Target         []string `json:"target"`
	HTML           string   `json:"html"`
	Impact         string   `json:"impact"`
	FailureSummary string   `json:"failureSummary"`
}

// Axe loads url in the tab, runs axe-core on it with the WCAG 2.x A and AA
// rules (tags wcag2a, wcag2aa, wcag21a, wcag21aa and wcag22aa), and returns
// the violations. A page with violations gives no error; check the length of
// the result.
//
// axe-core is injected with the DevTools protocol (Runtime.evaluate), not
// with a <script> element, so a Content-Security-Policy such as
// "script-src 'self'" does not block it, and the page's CSP stays in force.
// Only the top document is checked; the content of iframes is not.
func Axe(ctx context.Context, url string) ([]Violation, error) {
	if err := Navigate(ctx, url); err != nil {
		return nil, err
	}
	return AxeCurrent(ctx)
}

// AxeCurrent is like Axe for the page that the tab shows now, for example
// after clicks that changed it.
func AxeCurrent(ctx context.Context) ([]Violation, error) {
	if err := injectAxe(ctx); err != nil {
		return nil, err
	}
	tags, err := json.Marshal(axeTags)
	if err != nil {
		return nil, err
	}
	script := `(async () => {
	const r = await axe.run(document, {
		runOnly: {type: 'tag', values: ` + string(tags) + `},
		resultTypes: ['violations'],
	});
	const sel = (s) => Array.isArray(s) ? s.join(' >>> ') : String(s);
	return r.violations.map((v) => ({
		id: v.id,
		impact: v.impact || '',
		description: v.description || '',
		help: v.help || '',
		helpUrl: v.helpUrl || '',
		tags: v.tags || [],
		nodes: v.nodes.map((n) => ({
			target: (n.target || []).map(sel),
			html: n.html || '',
			impact: n.impact || '',
			failureSummary: n.failureSummary || '',
		})),
	}));
})()`
	vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]Violation](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("browsertest: axe.run: %w", err)
	}
	return vs, nil
}

// injectAxe evaluates the embedded axe-core in the page, unless the page
// already has it. Runtime.evaluate runs the source as a DevTools script,
// which Content-Security-Policy script-src does not govern.
func injectAxe(ctx context.Context) error {
	has, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`typeof window.axe === 'object' && window.axe !== null && typeof window.axe.run === 'function'`))
	if err != nil {
		return fmt.Errorf("browsertest: check for axe: %w", err)
	}
	if has {
		return nil
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		return fmt.Errorf("browsertest: inject axe-core: %w", err)
	}
	return nil
}

// FormatViolations renders violations for a test failure message, one rule
// per paragraph with the selector and HTML of each failing element.
func FormatViolations(vs []Violation) string {
	if len(vs) == 0 {
		return "no accessibility violations"
	}
	var b strings.Builder
	n := 0
	for _, v := range vs {
		n += len(v.Nodes)
	}
	fmt.Fprintf(&b, "%d accessibility violation(s) on %d element(s):\n", len(vs), n)
	for _, v := range vs {
		impact := v.Impact
		if impact == "" {
			impact = "unknown impact"
		}
		fmt.Fprintf(&b, "\n[%s] %s: %s\n", impact, v.ID, v.Help)
		if v.HelpURL != "" {
			fmt.Fprintf(&b, "  %s\n", v.HelpURL)
		}
		for _, node := range v.Nodes {
			fmt.Fprintf(&b, "  - %s\n", strings.Join(node.Target, " "))
			if node.HTML != "" {
				fmt.Fprintf(&b, "    %s\n", truncate(oneLine(node.HTML), 200))
			}
			if node.FailureSummary != "" {
				for _, line := range strings.Split(strings.TrimSpace(node.FailureSummary), "\n") {
					fmt.Fprintf(&b, "    %s\n", strings.TrimSpace(line))
				}
			}
		}
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
