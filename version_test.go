package entente_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/entente/entente"
)

func TestVersion(t *testing.T) {
	g := entente.Goal{Programme: "NZL-ITPP-2024", Code: "G1", Title: "Interoperability"}
	v := entente.Version(g)
	if !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(v) {
		t.Fatalf("Version = %s, want a quoted strong entity tag of 32 hex digits", v)
	}
	if entente.Version(g) != v {
		t.Error("the same record gave two versions")
	}
	changed := g
	changed.Title = "Interoperability at sea"
	if entente.Version(changed) == v {
		t.Error("a changed record kept its version")
	}
	if err := entente.CheckVersion("goal G1", g, ""); err != nil {
		t.Errorf("no version named: %v", err)
	}
	if err := entente.CheckVersion("goal G1", g, v); err != nil {
		t.Errorf("the current version: %v", err)
	}
	err := entente.CheckVersion("goal G1", changed, v)
	if entente.ErrorCode(err) != entente.ESTALE {
		t.Fatalf("a stale version: %v, want code %s", err, entente.ESTALE)
	}
	if !regexp.MustCompile(`goal G1 has changed since version "[0-9a-f]{32}"`).MatchString(err.Error()) {
		t.Errorf("message %q does not name the record and the version", err)
	}
}

func TestStaleVersionCause(t *testing.T) {
	g := entente.Goal{Programme: "NZL-ITPP-2024", Code: "G1", Title: "Interoperability"}
	err := entente.CheckVersion("goal G1", g, `"0"`)
	var sv *entente.StaleVersion
	if !errors.As(err, &sv) {
		t.Fatalf("%v carries no StaleVersion", err)
	}
	if sv.What != "goal G1" || sv.Want != `"0"` || sv.Current != entente.Version(g) {
		t.Errorf("StaleVersion = %+v", sv)
	}
	if entente.ErrorMessage(err) == sv.Error() {
		t.Error("the message a user sees is the cause's, not the error's")
	}
}
