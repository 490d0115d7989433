#ifndef INCENTIVES_CLIBPQ_SHIM_H
#define INCENTIVES_CLIBPQ_SHIM_H

// The system libpq (Debian's libpq-dev, PostgreSQL 15). The error field codes are character
// literal macros ('C', 'M', ...), which do not import into Swift: each one used gets a constant.

#include <libpq-fe.h>
#include <postgres_ext.h>

static const int shim_PG_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int shim_PG_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int shim_PG_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int shim_PG_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

#endif
