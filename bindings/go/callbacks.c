#include "callbacks.h"
#include "_cgo_export.h"

static int32_t WXFACE_CALL token_trampoline(void *user_data, const char *stale_token, char *token_out,
                                size_t token_out_len, int64_t *expires_in_s) {
    return wxfaceGoToken((uintptr_t)user_data, (char *)stale_token, token_out, token_out_len,
                         expires_in_s);
}

static int32_t WXFACE_CALL replay_trampoline(void *user_data, const char *key, int64_t ttl_s) {
    return wxfaceGoReplay((uintptr_t)user_data, (char *)key, ttl_s);
}

static void WXFACE_CALL log_trampoline(void *user_data, int32_t level, const char *message) {
    wxfaceGoLog((uintptr_t)user_data, level, (char *)message);
}

int32_t wxface_go_set_token_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err) {
    return wxface_config_set_token_callback(cfg, token_trampoline, (void *)handle, err);
}

int32_t wxface_go_set_replay_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err) {
    return wxface_config_set_replay_callback(cfg, replay_trampoline, (void *)handle, err);
}

int32_t wxface_go_set_log_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err) {
    return wxface_config_set_log_callback(cfg, log_trampoline, (void *)handle, err);
}
