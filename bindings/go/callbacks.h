/* C shims between libwxface's callbacks and the Go functions that serve
 * them. user_data carries a runtime/cgo.Handle (an integer), never a Go
 * pointer, so C keeps no Go memory alive. */
#ifndef WXFACE_GO_CALLBACKS_H
#define WXFACE_GO_CALLBACKS_H

#include <stdint.h>
#include <wxface.h>

int32_t wxface_go_set_token_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err);
int32_t wxface_go_set_replay_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err);
int32_t wxface_go_set_log_callback(wxface_config *cfg, uintptr_t handle, wxface_error *err);

#endif
