package service_test

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/entente/entente"
	"github.com/entente/entente/internal/secret"
	"github.com/entente/entente/service"
)

// TestUsers: adding users checks names, roles, partners and passwords,
// and every change is audited without the password or its hash.
func TestUsers(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		root := as(t, entente.Operator("root"))
		const pw = "correct horse battery"
		for _, c := range []struct {
			req  service.UserRequest
			code string
		}{
			{service.UserRequest{Name: "alice", Role: entente.RoleAdmin, Password: pw}, ""},
			{service.UserRequest{Name: "kiri", Role: entente.RoleLiaison, Partner: "NZL", Password: pw}, ""},
			{service.UserRequest{Name: "alice", Role: entente.RoleReader, Password: pw}, entente.ECONFLICT},
			{service.UserRequest{Name: "bob", Role: entente.RoleReader, Password: ""}, entente.EINVALID},
			{service.UserRequest{Name: "bob", Role: entente.RoleReader, Password: "elevenchars"}, entente.EINVALID},
			{service.UserRequest{Name: "bob", Role: "boss", Password: pw}, entente.EINVALID},
			{service.UserRequest{Name: "bob", Role: entente.RoleLiaison, Password: pw}, entente.EINVALID},
			{service.UserRequest{Name: "bob", Role: entente.RoleLiaison, Partner: "ZZZ", Password: pw}, entente.ENOTFOUND},
			{service.UserRequest{Name: "bob", Role: entente.RoleLiaison, Partner: "BEL", Password: pw}, entente.EINVALID}, // a member
			{service.UserRequest{Name: "bob", Role: entente.RoleStaff, Partner: "NZL", Password: pw}, entente.EINVALID},
			{service.UserRequest{Name: "bob smith", Role: entente.RoleStaff, Password: pw}, entente.EINVALID},
			{service.UserRequest{Name: "bob", Role: entente.RoleReader, Password: "twelve chars"}, ""},
		} {
			_, err := svc.AddUser(root, c.req)
			if got := entente.ErrorCode(err); got != c.code {
				t.Errorf("AddUser(%s, %s, %q): %q (%v), want %q", c.req.Name, c.req.Role, c.req.Partner, got, err, c.code)
			}
		}
		if _, err := svc.SetRole(root, "kiri", entente.RoleReader, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetRole(root, "bob", entente.RoleLiaison, ""); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("SetRole(liaison, no partner): %v, want invalid", err)
		}
		if err := svc.SetPassword(root, "bob", "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetUserDisabled(root, "bob", true); err != nil {
			t.Fatal(err)
		}
		// A user changes their own password; not another's.
		alice, _ := svc.Store.FindAccount(t.Context(), "alice")
		kiri, _ := svc.Store.FindAccount(t.Context(), "kiri")
		if err := svc.SetPassword(as(t, kiri.Principal()), "kiri", "kiri's own new password"); err != nil {
			t.Errorf("SetPassword(self): %v", err)
		}
		if err := svc.SetPassword(as(t, kiri.Principal()), "alice", "kiri's own new password"); entente.ErrorCode(err) != entente.EFORBIDDEN {
			t.Errorf("SetPassword(another's) as a reader: %v, want forbidden", err)
		}
		if err := svc.SetPassword(as(t, alice.Principal()), "kiri", "set by the admin"); err != nil {
			t.Errorf("SetPassword as an admin: %v", err)
		}

		us, err := svc.Users(root)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range us {
			got = append(got, u.Name+" "+describe(&u))
		}
		if want := "alice admin ,bob reader disabled,kiri reader "; strings.Join(got, ",") != want {
			t.Errorf("Users() = %q, want %q", strings.Join(got, ","), want)
		}
		evs, err := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			if e.Entity == "account" {
				actions = append(actions, e.Actor+" "+e.Action+" "+e.Key)
			}
			for _, leak := range []string{pw, "argon2", "a brand new password", "password_hash", "PasswordHash"} {
				if strings.Contains(string(e.Before)+string(e.After), leak) {
					t.Errorf("audit event %s %s holds %q: %s", e.Action, e.Key, leak, e.After)
				}
			}
		}
		want := "user:1 user.passwd kiri,user:2 user.passwd kiri,operator:root user.disable bob,operator:root user.passwd bob," +
			"operator:root user.role kiri,operator:root user.add bob,operator:root user.add kiri,operator:root user.add alice"
		if strings.Join(actions, ",") != want {
			t.Errorf("account audit:\n%s\nwant\n%s", strings.Join(actions, ","), want)
		}
	})
}

func describe(a *entente.Account) string {
	s := string(a.Role) + " " + a.Partner
	if a.Disabled {
		s += "disabled"
	}
	return s
}

// TestAuthenticate: an unknown user, a wrong password and a disabled
// account get the same message, after about the same time.
func TestAuthenticate(t *testing.T) {
	onEngines(t, func(t *testing.T, svc *service.Service) {
		root := as(t, entente.Operator("root"))
		for _, name := range []string{"alice", "dis"} {
			if _, err := svc.AddUser(root, service.UserRequest{Name: name, Role: entente.RoleStaff, Password: "correct horse battery"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.SetUserDisabled(root, "dis", true); err != nil {
			t.Fatal(err)
		}
		a, err := svc.Authenticate(t.Context(), "alice", "correct horse battery")
		if err != nil || a.Name != "alice" {
			t.Fatalf("Authenticate(right password) = %v, %v", a, err)
		}
		a, _ = svc.Store.FindAccount(t.Context(), "alice")
		if ok, err := secret.CheckPassword(a.PasswordHash, "correct horse battery"); !ok || err != nil || !strings.HasPrefix(a.PasswordHash, "$argon2id$") {
			t.Errorf("stored hash %q: want an argon2id hash that verifies", a.PasswordHash)
		}
		// The dummy hash an unknown name is checked against is made on
		// first use: make it before timing.
		svc.Authenticate(t.Context(), "nobody", "warm up")
		var msgs []string
		// Each check's CPU time, the fastest of three rounds: the Argon2
		// work is CPU, which a busy machine does not inflate as it does
		// wall time.
		times := make([]time.Duration, 3)
		for round := range 3 {
			msgs = msgs[:0]
			for i, c := range [][2]string{{"nobody", "correct horse battery"}, {"alice", "wrong horse battery"}, {"dis", "correct horse battery"}} {
				start := cpuTime()
				_, err := svc.Authenticate(t.Context(), c[0], c[1])
				if used := cpuTime() - start; round == 0 || used < times[i] {
					times[i] = used
				}
				if entente.ErrorCode(err) != entente.EUNAUTHORIZED {
					t.Errorf("Authenticate(%s): %v, want unauthorized", c[0], err)
				}
				msgs = append(msgs, entente.ErrorMessage(err))
			}
		}
		if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
			t.Errorf("messages differ: %q", msgs)
		}
		// Each pays for one argon2id hash; a gap of 3 times would tell
		// names apart.
		for i, who := range []string{"unknown user", "disabled user"} {
			if r := float64(times[[]int{0, 2}[i]]) / float64(times[1]); r < 0.33 || r > 3 {
				t.Errorf("%s took %v of CPU, wrong password %v", who, times[[]int{0, 2}[i]], times[1])
			}
		}
	})
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestTokens: a token is shown once and stored hashed; it authenticates
// with its account's role until revoked, expired or the account disabled;
// its last use is recorded.
func TestTokens(t *testing.T) {
	onFixture(t, func(t *testing.T, svc *service.Service) {
		root := as(t, entente.Operator("root"))
		for _, u := range []service.UserRequest{
			{Name: "alice", Role: entente.RoleStaff, Password: "correct horse battery"},
			{Name: "kiri", Role: entente.RoleLiaison, Partner: "NZL", Password: "correct horse battery"},
		} {
			if _, err := svc.AddUser(root, u); err != nil {
				t.Fatal(err)
			}
		}
		sec, tok, err := svc.CreateToken(root, service.TokenRequest{User: "alice", Scopes: []string{"write", "read", "write"}, TTL: 24 * time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sec, "ent_") || len(sec) != 47 || strings.Join(tok.Scopes, ",") != "read,write" || !tok.Expires.Equal(now.Add(24*time.Hour)) {
			t.Errorf("CreateToken = %q, %+v", sec, tok)
		}
		// The store holds the hash, never the secret: not in the token's
		// row, nor in the audit.
		stored, err := svc.Store.FindToken(t.Context(), tok.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Hash != secret.Hash(sec) || strings.Contains(stored.Hash, sec[4:]) {
			t.Errorf("stored hash %q, want the SHA-256 of the secret", stored.Hash)
		}
		if evs, _ := svc.Store.FindAuditEvents(t.Context(), entente.AuditFilter{Limit: 1}); strings.Contains(string(evs[0].After), sec[4:]) || strings.Contains(string(evs[0].After), stored.Hash) {
			t.Errorf("the audit holds the token: %s", evs[0].After)
		}

		p, err := svc.AuthenticateToken(t.Context(), sec)
		if err != nil {
			t.Fatal(err)
		}
		want := &entente.Principal{Kind: "token", ID: "token:1", Name: "alice", Role: entente.RoleStaff, Scopes: []string{"read", "write"}}
		if toJSON(t, p) != toJSON(t, want) {
			t.Errorf("AuthenticateToken = %+v, want %+v", p, want)
		}
		if got, _ := svc.Store.FindToken(t.Context(), tok.ID); !got.LastUsed.Equal(now) {
			t.Errorf("LastUsed = %v, want %v", got.LastUsed, now)
		}
		for _, bad := range []string{"", "ent_", sec + "x", strings.ToUpper(sec)} {
			if _, err := svc.AuthenticateToken(t.Context(), bad); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
				t.Errorf("AuthenticateToken(%q): %v, want unauthorized", bad, err)
			}
		}

		// Expired.
		later := *svc
		later.Now = func() time.Time { return now.Add(25 * time.Hour) }
		if _, err := later.AuthenticateToken(t.Context(), sec); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
			t.Errorf("expired token: %v, want unauthorized", err)
		}
		// Disabled account.
		if _, err := svc.SetUserDisabled(root, "alice", true); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateToken(t.Context(), sec); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
			t.Errorf("token of a disabled user: %v, want unauthorized", err)
		}
		if _, err := svc.SetUserDisabled(root, "alice", false); err != nil {
			t.Fatal(err)
		}
		// Revoked.
		if _, err := svc.RevokeToken(root, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AuthenticateToken(t.Context(), sec); entente.ErrorCode(err) != entente.EUNAUTHORIZED {
			t.Errorf("revoked token: %v, want unauthorized", err)
		}

		// A liaison's token is its partner's; the admin scope is an admin's.
		if _, _, err := svc.CreateToken(root, service.TokenRequest{User: "kiri", Scopes: []string{"write"}, Partner: "FIN"}); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("liaison token for another partner: %v, want invalid", err)
		}
		if _, _, err := svc.CreateToken(root, service.TokenRequest{User: "alice", Scopes: []string{"admin"}}); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("admin scope for staff: %v, want invalid", err)
		}
		if _, _, err := svc.CreateToken(root, service.TokenRequest{User: "alice", Scopes: []string{"root"}}); entente.ErrorCode(err) != entente.EINVALID {
			t.Errorf("unknown scope: %v, want invalid", err)
		}
		// A staff token bound to a partner acts as its liaison.
		sec2, _, err := svc.CreateToken(root, service.TokenRequest{User: "alice", Scopes: []string{"write"}, Partner: "NZL"})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := svc.AuthenticateToken(t.Context(), sec2); err != nil || p.Role != entente.RoleLiaison || p.Partner != "NZL" {
			t.Errorf("bound token: %+v, %v; want a liaison for NZL", p, err)
		}
		ts, err := svc.Tokens(root, "alice")
		if err != nil || len(ts) != 2 || ts[0].Revoked.IsZero() {
			t.Errorf("Tokens(alice) = %+v, %v", ts, err)
		}
	})
}
