package wxface_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	// The 2.0 lists' fields (tests/scenarios/README.md).
	OutSeqNo               string `json:"out_seq_no"`
	OpenID                 string `json:"openid"`
	WechatAnswers          *int   `json:"wechat_answers"`
	MessageContains        string `json:"message_contains"`
	Sent                   *bool  `json:"sent"`
	AgeS                   *int   `json:"age_s"`
	WaitMs                 *int   `json:"wait_ms"`
	ThenAgainWechatErrcode *int   `json:"then_again_wechat_errcode"`
	// Hostile answers (both lists): the sandbox's edit fault, and padding.
	AnswerEdit      map[string]any `json:"answer_edit"`
	PadVerifyResult string         `json:"pad_verify_result"`
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
	records := &auditRecords{}
	cfg := sandboxConfig()
	cfg.Audit = records.add
	client := newClient(t, cfg)
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
			verifyResult = s.PadVerifyResult + verifyResult + s.PadVerifyResult
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
			inject(t, s, getInfoPath)
			records.take()
			res, err := client.V1Verify(verifyResult, expected)
			checkOutcome(t, err, s.Expect, s.VerifyRet, s.WechatErrcode)
			if err == nil && (res.OpenID != openID || res.IdentifyRet != 0 || res.Fields["user_id_key"] != key.UserIDKey) {
				t.Errorf("verified result has unexpected fields: %+v", res.Info)
			}
			codes := []string{s.Expect}
			if s.ThenAgain != "" {
				_, err := client.V1Verify(verifyResult, expected)
				checkOutcome(t, err, s.ThenAgain, nil, nil)
				codes = append(codes, s.ThenAgain)
			}
			records.check(t, "v1_verify", codes, append(list.peopleValues(),
				strings.TrimSpace(verifyResult), openID, key.UserIDKey))
		})
	}
}

const (
	getInfoPath     = "/cityservice/face/identify/getinfo"
	getVerifyIDPath = "/cityservice/face/identify/getverifyid"
	queryPath       = "/cityservice/face/identify/queryverifyinfo"
	v2OpenID        = "o_v2_expected_user_0000000001"
)

// inject makes WeChat answer the scenario's errcode to the next call on
// path, or that call get the normal answer rewritten (answer_edit).
func inject(t *testing.T, s scenario, path string) {
	t.Helper()
	if s.WechatAnswers != nil {
		control(t, "POST", "/sandbox/faults", map[string]any{"path": path, "kind": "errcode", "errcode": *s.WechatAnswers})
	}
	if s.AnswerEdit != nil {
		fault := map[string]any{"path": path, "kind": "edit"}
		for k, v := range s.AnswerEdit {
			fault[k] = v
		}
		control(t, "POST", "/sandbox/faults", fault)
	}
}

// requests is the sandbox's count of requests on path.
func requests(t *testing.T, path string) float64 {
	t.Helper()
	counts, _ := control(t, "GET", "/sandbox/stats", nil)["requests"].(map[string]any)
	n, _ := counts[path].(float64)
	return n
}

// checkMessage checks message_contains and sent of a scenario.
func checkMessage(t *testing.T, s scenario, err error) {
	t.Helper()
	if s.MessageContains == "" {
		return
	}
	var e *wxface.Error
	if !errors.As(err, &e) || !strings.Contains(e.Message, s.MessageContains) {
		t.Errorf("message of %v lacks %q", err, s.MessageContains)
	}
}

// fastConfig is sandboxConfig with 20 ms wait pauses, so the wait scenarios run fast.
func fastConfig() wxface.Config {
	cfg := sandboxConfig()
	cfg.WaitInterval = 20 * time.Millisecond
	return cfg
}

func TestV2StartScenarios(t *testing.T) {
	list := loadScenarios(t, "v2_start.json")
	client := newClient(t, fastConfig())
	me := list.People.Expected
	for _, s := range list.Scenarios {
		s := s
		t.Run(s.Name, func(t *testing.T) {
			seq := s.OutSeqNo
			if seq == "" {
				var err error
				if seq, err = wxface.OutSeqNoNew(); err != nil {
					t.Fatal(err)
				}
			}
			openID := s.OpenID
			if openID == "" {
				openID = v2OpenID
			}
			inject(t, s, getVerifyIDPath)
			before := requests(t, getVerifyIDPath)
			_, err := client.V2GetVerifyID(seq, openID, me.Name, me.IDCardNumber)
			checkOutcome(t, err, s.Expect, s.VerifyRet, s.WechatErrcode)
			checkMessage(t, s, err)
			if s.Sent != nil && !*s.Sent && requests(t, getVerifyIDPath) != before {
				t.Errorf("a request was sent")
			}
			if s.ThenAgain != "" {
				_, err := client.V2GetVerifyID(seq, openID, me.Name, me.IDCardNumber)
				checkOutcome(t, err, s.ThenAgain, nil, s.ThenAgainWechatErrcode)
			}
		})
	}
}

func TestV2QueryScenarios(t *testing.T) {
	list := loadScenarios(t, "v2_query.json")
	records := &auditRecords{}
	cfg := fastConfig()
	cfg.Audit = records.add
	client := newClient(t, cfg)
	me := list.People.Expected
	const openID = v2OpenID
	for _, s := range list.Scenarios {
		s := s
		t.Run(s.Name, func(t *testing.T) {
			seq, err := wxface.OutSeqNoNew()
			if err != nil {
				t.Fatal(err)
			}
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
			if s.AgeS != nil {
				control(t, "POST", "/sandbox/v2/age", map[string]any{"verify_id": vid.VerifyID, "by_s": *s.AgeS})
			}
			inject(t, s, queryPath)
			with := func(field, fallback string) string {
				if v, ok := s.QueryWith[field]; ok {
					return list.subst(t, v)
				}
				return fallback
			}
			args := []string{with("verify_id", vid.VerifyID), with("out_seq_no", seq), with("openid", openID), with("cert_hash", vid.CertHash)}
			before := requests(t, queryPath)
			var res *wxface.QueryResult
			if s.WaitMs != nil {
				ctx, cancel := context.WithTimeout(context.Background(), time.Duration(*s.WaitMs)*time.Millisecond)
				defer cancel()
				res, err = client.V2Wait(ctx, args[0], args[1], args[2], args[3])
			} else {
				res, err = client.V2Query(args[0], args[1], args[2], args[3])
			}
			checkOutcome(t, err, s.Expect, s.VerifyRet, s.WechatErrcode)
			checkMessage(t, s, err)
			if s.Sent != nil && !*s.Sent && requests(t, queryPath) != before {
				t.Errorf("a request was sent")
			}
			if err == nil && res.VerifyRet != 10000 {
				t.Errorf("passed query has verify_ret %d", res.VerifyRet)
			}
			call := "v2_query"
			if s.WaitMs != nil {
				call = "v2_wait"
			}
			records.check(t, call, []string{s.Expect}, append(list.peopleValues(), vid.VerifyID, openID))
		})
	}
}
