/* The client calls in one cgo transition each: every wrapper makes its
 * library call and, on WXFACE_OK, copies the answer's texts block
 * (wxface_response_texts) into the caller's buffer and frees the response.
 * A Go call into C costs a transition, and after a call that blocked on
 * the network each further one may wait for a P: the call, the texts and
 * the free were three.
 *
 * texts/texts_cap: the caller's buffer (Go memory holding no Go pointers;
 * nothing keeps it after the return). On WXFACE_OK *texts_len is the
 * block's size (the last NUL included; 0 when the answer has no text
 * field) and *out is NULL once the block is copied and the response freed.
 * A block larger than texts_cap, or one wxface_response_texts refused,
 * leaves *out set, nothing freed: the caller reads and frees it the usual
 * way, so no field is ever lost or cut. On an error code nothing is
 * written but what the library call wrote. */
#ifndef WXFACE_GO_CALLS_H
#define WXFACE_GO_CALLS_H

#include <stddef.h>
#include <stdint.h>
#include <wxface.h>

int32_t wxface_go_v1_get_user_id_key(wxface_client *c, const char *name, const char *id_card_number,
                                     const char *out_seq_no, wxface_response **out, wxface_error *err,
                                     char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_v1_get_info(wxface_client *c, const char *verify_result, wxface_response **out,
                              wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_v1_verify(wxface_client *c, const char *verify_result, const char *name,
                            const char *id_card_number, const char *user_id_key, const char *openid,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len);
int32_t wxface_go_v2_get_verify_id(wxface_client *c, const char *out_seq_no, const char *openid,
                                   const char *name, const char *id_card_number, wxface_response **out,
                                   wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_v2_query(wxface_client *c, const char *verify_id, const char *out_seq_no,
                           const char *openid, const char *cert_hash, wxface_response **out,
                           wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_v2_wait(wxface_client *c, const char *verify_id, const char *out_seq_no,
                          const char *openid, const char *cert_hash, uint32_t timeout_ms,
                          const wxface_cancel *cancel, wxface_response **out, wxface_error *err,
                          char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_push_url_echo(const wxface_client *c, const char *query, wxface_response **out,
                                wxface_error *err, char *texts, size_t texts_cap, size_t *texts_len);
int32_t wxface_go_push_open(const wxface_client *c, const char *query, const char *body, size_t body_len,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len);
int32_t wxface_go_push_seal(const wxface_client *c, const char *format, const char *mode,
                            const char *message, size_t message_len, int64_t timestamp, const char *nonce,
                            wxface_response **out, wxface_error *err, char *texts, size_t texts_cap,
                            size_t *texts_len);

#endif
