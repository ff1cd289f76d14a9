/* The access every Service Control Manager handle is opened with, derived
 * from the operations done with it: one table says which operations each
 * handle serves, another what each operation needs, and the access mask is
 * the union.  Nothing else in the product spells an SCM access mask.
 *
 * Why a table: ChangeServiceConfig2W documents that failure actions
 * containing SC_ACTION_RESTART need SERVICE_START on the handle besides
 * SERVICE_CHANGE_CONFIG.  Wine does not check SCM access rights
 * (docs/windows-fidelity.md), so a handle opened without it passed every
 * test and failed on Windows with access denied.  tests/unit/test_scm_access.c
 * checks this table against the documented requirements, transcribed there
 * with their sources.
 *
 * The values are the documented winsvc.h/winnt.h constants ("Service
 * Security and Access Rights"); the Windows shell asserts at compile time
 * that they equal the SDK's. */
#ifndef EPG_SCM_ACCESS_H
#define EPG_SCM_ACCESS_H

#include <stdint.h>

/* Service Control Manager object rights. */
#define EPG_SC_MANAGER_CONNECT 0x0001u
#define EPG_SC_MANAGER_CREATE_SERVICE 0x0002u
/* Service object rights. */
#define EPG_SERVICE_QUERY_CONFIG 0x0001u
#define EPG_SERVICE_CHANGE_CONFIG 0x0002u
#define EPG_SERVICE_QUERY_STATUS 0x0004u
#define EPG_SERVICE_START 0x0010u
#define EPG_SERVICE_STOP 0x0020u
#define EPG_DELETE 0x00010000u

/* What the product does with an SCM handle. */
typedef enum epg_scm_op {
    /* on a manager handle */
    EPG_SCM_OPEN_SERVICE,           /* OpenServiceW */
    EPG_SCM_CREATE_SERVICE,         /* CreateServiceW */
    /* on a service handle */
    EPG_SCM_CHANGE_CONFIG,          /* ChangeServiceConfigW */
    EPG_SCM_SET_DESCRIPTION,        /* ChangeServiceConfig2W DESCRIPTION */
    EPG_SCM_SET_RESTART_ACTIONS,    /* ChangeServiceConfig2W FAILURE_ACTIONS with SC_ACTION_RESTART */
    EPG_SCM_SET_FAILURE_FLAG,       /* ChangeServiceConfig2W FAILURE_ACTIONS_FLAG */
    EPG_SCM_SET_SID_TYPE,           /* ChangeServiceConfig2W SERVICE_SID_INFO */
    EPG_SCM_SET_PRIVILEGES,         /* ChangeServiceConfig2W REQUIRED_PRIVILEGES_INFO */
    EPG_SCM_SET_DELAYED_START,      /* ChangeServiceConfig2W DELAYED_AUTO_START_INFO */
    EPG_SCM_QUERY_STATUS,           /* QueryServiceStatus */
    EPG_SCM_STOP,                   /* ControlService(SERVICE_CONTROL_STOP) */
    EPG_SCM_DELETE,                 /* DeleteService */
    EPG_SCM_OP_COUNT
} epg_scm_op;

/* The handles the product opens, one per (command, object). */
typedef enum epg_scm_handle {
    EPG_SCMH_INSTALL_MANAGER,       /* install: OpenSCManagerW */
    EPG_SCMH_INSTALL_SERVICE,       /* install: CreateServiceW / OpenServiceW */
    EPG_SCMH_CONFIGURE_MANAGER,     /* configure (the MSI's custom action) */
    EPG_SCMH_CONFIGURE_SERVICE,
    EPG_SCMH_UNINSTALL_MANAGER,     /* uninstall */
    EPG_SCMH_UNINSTALL_SERVICE,
    EPG_SCMH_COUNT
} epg_scm_handle;

/* The access one operation needs, as this product reads the documentation. */
uint32_t epg_scm_op_access(epg_scm_op op);
/* The operations done with a handle: bit (1 << op) per operation. */
uint32_t epg_scm_handle_ops(epg_scm_handle h);
/* The access to open a handle with: the union over its operations. */
uint32_t epg_scm_access(epg_scm_handle h);
const char *epg_scm_handle_name(epg_scm_handle h);
const char *epg_scm_op_name(epg_scm_op op);

#endif
