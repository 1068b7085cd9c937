#include "calls.h"

#include <string.h>

/* rc is the library call's code; see calls.h for what is written. */
static int32_t take_texts(int32_t rc, wxface_response **out, wxface_error *err, char *texts,
                          size_t texts_cap, size_t *texts_len) {
    const char *data = NULL;
    size_t len = 0;
    *texts_len = 0;
    if (rc != WXFACE_OK) {
        return rc;
    }
    /* A refusal (it would need a NULL response) leaves the caller's usual
     * path to meet it; err is read only on an error code, which rc is not. */
    if (wxface_response_texts(*out, &data, &len, err) != WXFACE_OK) {
        return rc;
    }
    *texts_len = len;
    if (len > texts_cap) {
        return rc;
    }
    if (len > 0) {
        memcpy(texts, data, len);
    }
    wxface_response_free(*out);
    *out = NULL;
    return rc;
}

int32_t wxface_go_v1_get_user_id_key(wxface_client *c, const char *name, const char *id_card_number,
                                     const char *out_seq_no, wxface_response **out, wxface_error *err,
                                     char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_v1_get_user_id_key(c, name, id_card_number, out_seq_no, out, err), out, err,
                      texts, texts_cap, texts_len);
}

int32_t wxface_go_v1_get_info(wxface_client *c, const char *verify_result, wxface_response **out,
                              wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_v1_get_info(c, verify_result, out, err), out, err, texts, texts_cap, texts_len);
}

int32_t wxface_go_v1_verify(wxface_client *c, const char *verify_result, const char *name,
                            const char *id_card_number, const char *user_id_key, const char *openid,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len) {
    return take_texts(wxface_v1_verify(c, verify_result, name, id_card_number, user_id_key, openid, out, err),
                      out, err, texts, texts_cap, texts_len);
}

int32_t wxface_go_v2_get_verify_id(wxface_client *c, const char *out_seq_no, const char *openid,
                                   const char *name, const char *id_card_number, wxface_response **out,
                                   wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_v2_get_verify_id(c, out_seq_no, openid, name, id_card_number, out, err), out,
                      err, texts, texts_cap, texts_len);
}

int32_t wxface_go_v2_query(wxface_client *c, const char *verify_id, const char *out_seq_no,
                           const char *openid, const char *cert_hash, wxface_response **out,
                           wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_v2_query(c, verify_id, out_seq_no, openid, cert_hash, out, err), out, err,
                      texts, texts_cap, texts_len);
}

int32_t wxface_go_v2_wait(wxface_client *c, const char *verify_id, const char *out_seq_no,
                          const char *openid, const char *cert_hash, uint32_t timeout_ms,
                          const wxface_cancel *cancel, wxface_response **out, wxface_error *err,
                          char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_v2_wait(c, verify_id, out_seq_no, openid, cert_hash, timeout_ms, cancel, out, err),
                      out, err, texts, texts_cap, texts_len);
}

int32_t wxface_go_push_url_echo(const wxface_client *c, const char *query, wxface_response **out,
                                wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len) {
    return take_texts(wxface_push_url_echo(c, query, out, err), out, err, texts, texts_cap, texts_len);
}

int32_t wxface_go_push_open(const wxface_client *c, const char *query, const char *body, size_t body_len,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len) {
    return take_texts(wxface_push_open(c, query, body, body_len, out, err), out, err, texts, texts_cap,
                      texts_len);
}

int32_t wxface_go_push_seal(const wxface_client *c, const char *format, const char *mode,
                            const char *message, size_t message_len, int64_t timestamp, const char *nonce,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len) {
    return take_texts(wxface_push_seal(c, format, mode, message, message_len, timestamp, nonce, out, err),
                      out, err, texts, texts_cap, texts_len);
}
