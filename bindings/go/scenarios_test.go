package wxface_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	wxface "github.com/wxface/wxface/bindings/go"
)

// The shared scenario lists (tests/scenarios/*.json), one subtest each, as
// the Rust runner tests/scenarios.rs plays them.

type person struct {
	Name         string `json:"name"`
	IDCardNumber string `json:"id_card_number"`
}

type scenarioList struct {
	People struct {
		Expected person `json:"expected"`
		Other    person `json:"other"`
	} `json:"people"`
	Scenarios []scenario `json:"scenarios"`
}

type scenario struct {
	Name              string            `json:"name"`
	Complete          map[string]any    `json:"complete"` // nil: the phone never finishes
	ForgeVerifyResult string            `json:"forge_verify_result"`
	VerifyWith        map[string]string `json:"verify_with"`
	QueryWith         map[string]string `json:"query_with"`
	Expect            string            `json:"expect"`
	VerifyRet         *int              `json:"verify_ret"`
	WechatErrcode     *int              `json:"wechat_errcode"`
	ThenAgain         string            `json:"then_again"`
}

func loadScenarios(t *testing.T, file string) scenarioList {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "tests", "scenarios", file))
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var list scenarioList
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	if len(list.Scenarios) == 0 {
		t.Fatalf("%s has no scenarios", file)
	}
	return list
}

// subst replaces "$other.FIELD" with the other person's field.
func (l *scenarioList) subst(t *testing.T, v string) string {
	t.Helper()
	field, ok := strings.CutPrefix(v, "$other.")
	if !ok {
		return v
	}
	o := l.People.Other
	switch field {
	case "name":
		return o.Name
	case "id_card_number":
		return o.IDCardNumber
	case "cert_hash":
		h, err := wxface.CertHash("IDENTITY_CARD", o.Name, o.IDCardNumber)
		if err != nil {
			t.Fatalf("cert hash of the other person: %v", err)
		}
		return h
	}
	t.Fatalf("unknown substitution %q", v)
	return ""
}

// checkOutcome compares err with a scenario's expectations.
func checkOutcome(t *testing.T, err error, expect string, verifyRet, wechatErrcode *int) {
	t.Helper()
	got := "WXFACE_OK"
	var e *wxface.Error
	if err != nil {
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not a *wxface.Error", err, err)
		}
		got = e.CodeName
		if wxface.CodeName(e.Code) != e.CodeName {
			t.Errorf("CodeName %q does not match Code %d", e.CodeName, e.Code)
		}
	}
	if got != expect {
		t.Fatalf("got %s (%v), want %s", got, err, expect)
	}
	if verifyRet != nil && e.VerifyRet != *verifyRet {
		t.Errorf("verify_ret %d, want %d", e.VerifyRet, *verifyRet)
	}
	if wechatErrcode != nil && e.WechatErrcode != *wechatErrcode {
		t.Errorf("wechat_errcode %d, want %d", e.WechatErrcode, *wechatErrcode)
	}
}

func TestV1VerifyScenarios(t *testing.T) {
	list := loadScenarios(t, "v1_verify.json")
	client := newClient(t, sandboxConfig())
	me := list.People.Expected
	for _, s := range list.Scenarios {
		s := s
		t.Run(s.Name, func(t *testing.T) {
			key, err := client.V1GetUserIDKey(me.Name, me.IDCardNumber, "")
			if err != nil {
				t.Fatalf("V1GetUserIDKey: %v", err)
			}
			outcome := map[string]any{}
			for k, v := range s.Complete {
				if text, ok := v.(string); ok {
					v = list.subst(t, text)
				}
				outcome[k] = v
			}
			verifyResult, openID := completeV1(t, key.UserIDKey, outcome)
			if s.ForgeVerifyResult != "" {
				verifyResult = s.ForgeVerifyResult
			}
			with := func(field, fallback string) string {
				if v, ok := s.VerifyWith[field]; ok {
					return list.subst(t, v)
				}
				return fallback
			}
			expected := wxface.Expected{
				Name:         with("name", me.Name),
				IDCardNumber: with("id_card_number", me.IDCardNumber),
				UserIDKey:    key.UserIDKey,
				OpenID:       with("openid", openID),
			}
			res, err := client.V1Verify(verifyResult, expected)
			checkOutcome(t, err, s.Expect, s.VerifyRet, s.WechatErrcode)
			if err == nil && (res.OpenID != openID || res.IdentifyRet != 0 || res.Fields["user_id_key"] != key.UserIDKey) {
				t.Errorf("verified result has unexpected fields: %+v", res.Info)
			}
			if s.ThenAgain != "" {
				_, err := client.V1Verify(verifyResult, expected)
				checkOutcome(t, err, s.ThenAgain, nil, nil)
			}
		})
	}
}

func TestV2QueryScenarios(t *testing.T) {
	list := loadScenarios(t, "v2_query.json")
	client := newClient(t, sandboxConfig())
	me := list.People.Expected
	const openID = "o_v2_expected_user_0000000001"
	for i, s := range list.Scenarios {
		i, s := i, s
		t.Run(s.Name, func(t *testing.T) {
			seq := fmt.Sprintf("go-seq-%d", i)
			vid, err := client.V2GetVerifyID(seq, openID, me.Name, me.IDCardNumber)
			if err != nil {
				t.Fatalf("V2GetVerifyID: %v", err)
			}
			if vid.VerifyID == "" || len(vid.CertHash) != 64 || vid.ExpiresIn <= 0 {
				t.Fatalf("incomplete VerifyID: %+v", vid)
			}
			if s.Complete != nil {
				body := map[string]any{"verify_id": vid.VerifyID}
				for k, v := range s.Complete {
					body[k] = v
				}
				control(t, "POST", "/sandbox/v2/complete", body)
			}
			with := func(field, fallback string) string {
				if v, ok := s.QueryWith[field]; ok {
					return list.subst(t, v)
				}
				return fallback
			}
			res, err := client.V2Query(with("verify_id", vid.VerifyID), with("out_seq_no", seq), with("openid", openID), with("cert_hash", vid.CertHash))
			checkOutcome(t, err, s.Expect, s.VerifyRet, s.WechatErrcode)
			if err == nil && res.VerifyRet != 10000 {
				t.Errorf("passed query has verify_ret %d", res.VerifyRet)
			}
		})
	}
}
