package main

import (
	"strings"
	"testing"
)

// TestDefaultAlliance: profile always read the alliance coded into it, and
// programme agree defaulted to it, so on a store made by generate both
// answered "unknown alliance". They now default to the store's only
// alliance, and --alliance names another.
func TestDefaultAlliance(t *testing.T) {
	db := scratch(t)
	if _, stderr, code := run(t, "generate", "--partners", "2", "--activities", "0", db); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	out, stderr, code := run(t, "profile", "QMM", db)
	if code != 0 || !strings.HasPrefix(out, "# SYNTH and Partnerland 0001 (synthetic)\n") {
		t.Errorf("profile on a generated store: exit %d: %.60q %s", code, out, stderr)
	}
	if _, stderr, code := run(t, "profile", "QMM", "--alliance", "NOPE", db); code != exitUsage || !strings.Contains(stderr, `"NOPE"`) {
		t.Errorf("profile --alliance NOPE: exit %d: %s", code, stderr)
	}
	out, stderr, code = run(t, "programme", "agree", "SYN-QMM-NEW", "--partner", "QMM", "--type", "ITPP",
		"--title", "A new programme", "--date", "2025-01-01", "--json", db)
	if code != 0 || !strings.Contains(out, `"alliance": "SYNTH"`) {
		t.Errorf("programme agree without --alliance: exit %d: %.200s %s", code, out, stderr)
	}
	if _, stderr, code := run(t, "serve", "--alliance", "NOPE", "--addr", "127.0.0.1:0", db); code != exitUsage || !strings.Contains(stderr, `"NOPE"`) {
		t.Errorf("serve --alliance NOPE: exit %d: %s", code, stderr)
	}
}

// TestHelpNamesNoAlliance: help examples take the default dataset's
// alliance code from the dataset, not from the code.
func TestHelpNamesNoAlliance(t *testing.T) {
	out, _, code := run(t, "help", "members")
	if code != 0 || !strings.Contains(out, "entente members "+exampleAlliance()+" --as-of") || strings.Contains(out, "{alliance}") {
		t.Errorf("help members: exit %d:\n%s", code, out)
	}
	out, _, _ = run(t, "help")
	if strings.Contains(out, "{alliance}") {
		t.Errorf("help leaves a placeholder:\n%s", out)
	}
}
