package secret

import (
	"strings"
	"testing"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q: want an argon2id PHC string with the default parameters", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Errorf("hash %q holds the password", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Errorf("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		ok, err := CheckPassword(h, tc.password)
		if err != nil || ok != tc.want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", tc.password, ok, err, tc.want)
		}
	}
}

func TestCheckPasswordParams(t *testing.T) {
	// A hash made with other parameters verifies with its own.
	h, err := hashWith(Params{Memory: 8 * 1024, Time: 1, Threads: 2, SaltLen: 8, KeyLen: 16}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := CheckPassword(h, "pw"); !ok || err != nil {
		t.Errorf("CheckPassword(own parameters) = %v, %v; want true", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=8192,t=1,p=1$!!$a2V5"} {
		if ok, err := CheckPassword(bad, "pw"); ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

// An unknown user costs what a wrong password costs: CheckNobody checks
// the password against a hash made with the parameters every account's
// hash is made with, so it does the same Argon2 work. This is checked by
// the parameters, not by timing, which a busy machine makes meaningless;
// BenchmarkCheckNobody and BenchmarkCheckPassword time the two.
func TestCheckNobodyCost(t *testing.T) {
	if CheckNobody("wrong password") {
		t.Fatal("CheckNobody returned true")
	}
	p, salt, key, err := decode(dummy())
	if err != nil {
		t.Fatal(err)
	}
	if p.Memory != Default.Memory || p.Time != Default.Time || p.Threads != Default.Threads || p.KeyLen != Default.KeyLen ||
		len(salt) != int(Default.SaltLen) || len(key) != int(Default.KeyLen) {
		t.Errorf("the dummy hash has parameters %+v (salt %d bytes, key %d), want the accounts' %+v", p, len(salt), len(key), Default)
	}
}

func BenchmarkCheckPassword(b *testing.B) {
	h, _ := HashPassword("a real password")
	for b.Loop() {
		CheckPassword(h, "wrong password")
	}
}

func BenchmarkCheckNobody(b *testing.B) {
	CheckNobody("warm up the dummy hash")
	for b.Loop() {
		CheckNobody("wrong password")
	}
}

func TestToken(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !strings.HasPrefix(a, "ent_") || len(a) != 4+43 {
		t.Errorf("NewToken() = %q, %q: want two different ent_ tokens of 256 bits", a, b)
	}
	if h := Hash(a); len(h) != 64 || h == Hash(b) || strings.Contains(h, a[4:]) {
		t.Errorf("Hash(%q) = %q", a, h)
	}
}
