// Package secret makes and checks the secrets accounts sign in with:
// argon2id password hashes as PHC strings, and random bearer secrets
// (API tokens, session ids) stored only as their SHA-256.
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters. They are stored in each hash, so
// raising them later leaves older hashes verifiable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// Default are OWASP's recommended argon2id parameters (19 MiB, 2 passes,
// one lane): about 30 ms a hash on one core of a small machine, which
// bounds guessing without letting a burst of logins exhaust memory.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// limits refuse a stored hash whose parameters would make checking it a
// denial of service (a row edited behind the application's back).
const (
	maxMemory = 1 << 20 // KiB: 1 GiB
	maxTime   = 16
)

var b64 = base64.RawStdEncoding

// HashPassword returns password's argon2id hash with a random salt, as a
// PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func HashPassword(password string) (string, error) {
	return hashWith(Default, password)
}

func hashWith(p Params, password string) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// errFormat is a stored hash that is not an argon2id PHC string.
var errFormat = errors.New("password hash is not an argon2id PHC string")

// decode parses a PHC string into its parameters, salt and key.
func decode(phc string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, errFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errFormat
	}
	if p.Memory == 0 || p.Memory > maxMemory || p.Time == 0 || p.Time > maxTime || p.Threads == 0 {
		return p, nil, nil, errFormat
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, errFormat
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errFormat
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// CheckPassword reports whether password matches the PHC string phc,
// comparing in constant time. A malformed phc is an error.
func CheckPassword(phc, password string) (bool, error) {
	p, salt, key, err := decode(phc)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummy is a hash of a random password with the default parameters.
var dummy = sync.OnceValue(func() string {
	h, err := HashPassword(Random(""))
	if err != nil {
		panic("secret: " + err.Error())
	}
	return h
})

// CheckNobody spends the time a CheckPassword against a real account's
// hash takes, and returns false: signing in as an unknown user costs what
// a wrong password costs, so timing does not tell which names exist.
func CheckNobody(password string) bool {
	CheckPassword(dummy(), password)
	return false
}

// Random returns prefix followed by 256 random bits, base64url without
// padding (43 characters): an API token ("ent_...") or a session id.
func Random(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on the platforms Go supports.
		panic("secret: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// TokenPrefix starts every API token, so a leaked one is recognisable (to
// people and secret scanners) and cannot be mistaken for a session id.
const TokenPrefix = "ent_"

// NewToken returns a new API token secret.
func NewToken() string { return Random(TokenPrefix) }

// Hash returns the hex SHA-256 of a high-entropy secret (a token or a
// session id), the form stored in its place. A fast hash is right here: a
// 256-bit random secret cannot be guessed, so there is no password to
// slow an attacker down for, and lookups stay one indexed read.
func Hash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}
