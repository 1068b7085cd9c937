package wxface_test

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
)

// The call lists (bad_input.json, offline.json), config_errors.json and the
// push vectors, played as tests/scenarios/README.md says; one subtest each.

// listValue is one argument of a call list: text, null, or an object
// giving raw bytes, a repetition or text with a NUL inside.
type listValue struct {
	null    bool
	text    string
	hex     string
	repeat  string
	times   int
	withNul []string
}

func (v *listValue) UnmarshalJSON(raw []byte) error {
	if string(raw) == "null" {
		v.null = true
		return nil
	}
	if err := json.Unmarshal(raw, &v.text); err == nil {
		return nil
	}
	var form struct {
		Hex     *string  `json:"hex"`
		Repeat  *string  `json:"repeat"`
		Times   int      `json:"times"`
		WithNul []string `json:"with_nul"`
	}
	if err := json.Unmarshal(raw, &form); err != nil {
		return err
	}
	switch {
	case form.Hex != nil:
		v.hex = *form.Hex
	case form.Repeat != nil:
		v.repeat, v.times = *form.Repeat, form.Times
	case form.WithNul != nil:
		v.withNul = form.WithNul
	default:
		return errors.New("unknown value form " + string(raw))
	}
	return nil
}

// goString is the value as Go passes it.
func (v listValue) goString(t *testing.T) string {
	t.Helper()
	switch {
	case v.hex != "":
		b, err := hex.DecodeString(v.hex)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	case v.repeat != "":
		return strings.Repeat(v.repeat, v.times)
	case v.withNul != nil:
		return strings.Join(v.withNul, "\x00")
	}
	return v.text
}

type callScenario struct {
	Name   string               `json:"name"`
	Call   string               `json:"call"`
	Args   map[string]listValue `json:"args"`
	Expect string               `json:"expect"`
	Names  string               `json:"message_contains"`
	Lacks  string               `json:"message_lacks"`
	Result *string              `json:"result"`
}

func loadList[T any](t *testing.T, file string) []T {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "scenarios", file))
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var list struct {
		Scenarios []T `json:"scenarios"`
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	if len(list.Scenarios) == 0 {
		t.Fatalf("%s has no scenarios", file)
	}
	return list.Scenarios
}

var optionalParams = map[string]bool{"out_seq_no@v1_get_user_id_key": true, "user_id_key@v1_verify": true, "openid@v1_verify": true}

// play makes the call of s; it skips what a Go caller cannot say.
func play(t *testing.T, client *wxface.Client, s callScenario) (string, error) {
	t.Helper()
	a := map[string]string{}
	for name, v := range s.Args {
		optional := optionalParams[name+"@"+s.Call]
		if v.null && !optional {
			t.Skip("Go: a string cannot be nil (empty strings have scenarios of their own)")
		}
		if optional && !v.null && v.goString(t) == "" {
			t.Skip("Go: an empty optional string means absent")
		}
		a[name] = v.goString(t)
	}
	switch s.Call {
	case "id_card_normalize":
		return wxface.NormalizeIDCard(a["id_card_number"])
	case "md5_id_card_number":
		return wxface.MD5IDCardNumber(a["id_card_number"])
	case "md5_name":
		return wxface.MD5Name(a["name"])
	case "cert_hash":
		return wxface.CertHash(a["cert_type"], a["cert_name"], a["cert_no"])
	case "v1_get_user_id_key":
		_, err := client.V1GetUserIDKey(a["name"], a["id_card_number"], a["out_seq_no"])
		return "", err
	case "v1_get_info":
		_, err := client.V1GetInfo(a["verify_result"])
		return "", err
	case "v1_verify":
		_, err := client.V1Verify(a["verify_result"], wxface.Expected{
			Name: a["name"], IDCardNumber: a["id_card_number"], UserIDKey: a["user_id_key"], OpenID: a["openid"],
		})
		return "", err
	case "v2_get_verify_id":
		_, err := client.V2GetVerifyID(a["out_seq_no"], a["openid"], a["name"], a["id_card_number"])
		return "", err
	case "v2_query":
		_, err := client.V2Query(a["verify_id"], a["out_seq_no"], a["openid"], a["cert_hash"])
		return "", err
	}
	t.Fatalf("unknown call %q", s.Call)
	return "", nil
}

// checkListMessage applies a call or configuration scenario's message_contains and message_lacks.
func checkListMessage(t *testing.T, err error, names, lacks string) {
	t.Helper()
	var e *wxface.Error
	if err == nil || !errors.As(err, &e) {
		return
	}
	if names != "" && !strings.Contains(e.Message, names) {
		t.Errorf("message %q does not name %q", e.Message, names)
	}
	if lacks != "" && strings.Contains(e.Message, lacks) {
		t.Errorf("message %q repeats %q", e.Message, lacks)
	}
}

func TestBadInputScenarios(t *testing.T) {
	client := newClient(t, sandboxConfig())
	before := control(t, "GET", "/sandbox/stats", nil)["requests"]
	for _, s := range loadList[callScenario](t, "bad_input.json") {
		t.Run(s.Name, func(t *testing.T) {
			_, err := play(t, client, s)
			checkOutcome(t, err, s.Expect, nil, nil)
			checkListMessage(t, err, s.Names, s.Lacks)
		})
	}
	if after := control(t, "GET", "/sandbox/stats", nil)["requests"]; !jsonEqual(before, after) {
		t.Fatalf("bad input reached WeChat: requests %v, then %v", before, after)
	}
}

func jsonEqual(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestOfflineScenarios(t *testing.T) {
	client := newClient(t, sandboxConfig())
	for _, s := range loadList[callScenario](t, "offline.json") {
		t.Run(s.Name, func(t *testing.T) {
			got, err := play(t, client, s)
			checkOutcome(t, err, s.Expect, nil, nil)
			if s.Result != nil && got != *s.Result {
				t.Fatalf("got %q, want %q", got, *s.Result)
			}
		})
	}
}

type configScenario struct {
	Name        string      `json:"name"`
	Credentials *bool       `json:"credentials"`
	File        *listValue  `json:"file"`
	MissingFile bool        `json:"missing_file"`
	Settings    [][2]string `json:"settings"`
	Expect      string      `json:"expect"`
	Names       string      `json:"message_contains"`
	Lacks       string      `json:"message_lacks"`
}

func TestConfigErrorScenarios(t *testing.T) {
	for _, s := range loadList[configScenario](t, "config_errors.json") {
		t.Run(s.Name, func(t *testing.T) {
			var cfg wxface.Config
			if s.Credentials == nil || *s.Credentials {
				cfg = sandboxConfig()
			}
			dir := t.TempDir()
			switch {
			case s.File != nil:
				cfg.File = filepath.Join(dir, "wxface.conf")
				if err := os.WriteFile(cfg.File, []byte(s.File.goString(t)), 0o600); err != nil {
					t.Fatal(err)
				}
			case s.MissingFile:
				cfg.File = filepath.Join(dir, "missing.conf")
			}
			if len(s.Settings) > 1 {
				t.Fatal("Extra applies keys in sorted order: a scenario may set one key")
			}
			cfg.Extra = map[string]string{}
			for _, kv := range s.Settings {
				cfg.Extra[kv[0]] = kv[1]
			}
			client, err := wxface.NewClient(cfg)
			if err == nil {
				_ = client.Close()
			}
			checkOutcome(t, err, s.Expect, nil, nil)
			checkListMessage(t, err, s.Names, s.Lacks)
		})
	}
}

func TestPushVectors(t *testing.T) {
	for _, file := range []string{"push_vectors.tsv", "push_vectors_plain.tsv", "push_sealed.tsv"} {
		f, err := os.Open(filepath.Join("..", "..", "tests", "vectors", file))
		if err != nil {
			t.Fatal(err)
		}
		header := map[string]string{}
		lines := bufio.NewScanner(f)
		lines.Buffer(make([]byte, 1<<20), 1<<20)
		var client *wxface.Client
		count := 0
		for lines.Scan() {
			line := lines.Text()
			if kv, ok := strings.CutPrefix(line, "# "); ok {
				if k, v, ok := strings.Cut(kv, "="); ok && !strings.Contains(k, " ") {
					header[k] = v
				}
				continue
			}
			if line == "" {
				continue
			}
			if client == nil {
				cfg := sandboxConfig()
				cfg.AppID, cfg.PushToken, cfg.PushAESKey = header["appid"], header["token"], header["aes_key"]
				cfg.Extra = map[string]string{"push_max_skew_s": "0"}
				client = newClient(t, cfg)
			}
			v := strings.Split(line, "\t")
			if len(v) != 5 {
				t.Fatalf("%s: %d columns in %q", file, len(v), v[0])
			}
			count++
			t.Run(strings.TrimSuffix(file, ".tsv")+"/"+v[0], func(t *testing.T) {
				body, err := base64.StdEncoding.DecodeString(v[3])
				if err != nil {
					t.Fatal(err)
				}
				ev, err := client.PushOpen(v[2], body)
				checkOutcome(t, err, v[1], nil, nil)
				if err == nil && v[4] != "-" && ev.VerifyResult != v[4] {
					t.Fatalf("verify_result %q, want %q", ev.VerifyResult, v[4])
				}
			})
		}
		f.Close()
		if err := lines.Err(); err != nil || count == 0 {
			t.Fatalf("%s: %d vectors, %v", file, count, err)
		}
	}
}
