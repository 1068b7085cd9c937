/*
 * The audit trail and the counters through the C ABI (tests/c/test_audit.c).
 */
#ifndef WXFACE_TEST_AUDIT_H
#define WXFACE_TEST_AUDIT_H

#include "json.h"
#include "wxface.h"

/* An audit callback that counts records per call and hands each JSON line
   to the PII collector; user_data is unused. Thread-safe. */
void WXFACE_CALL audit_collect(void *user_data, const wxface_response *record, const char *json);

/* Registers the test that the shared client's scenario runs produced one
   record per verdict call of each list. */
void run_audit_scenario_check(const json *v1_list, const json *v2_start_list, const json *v2_list);

/* Registers the audit and stats tests, each with its own sandbox. */
void run_audit_tests(const char *name, const char *id_card_number);

#endif
