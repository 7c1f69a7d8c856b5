#include "error.h"

#include <stdio.h>
#include <string.h>

void allot_error_clear(allot_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

allot_status allot_error_setv(allot_error *err, allot_status code, const char *file,
                              long line, long column, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = column;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return code;
}

allot_status allot_error_set(allot_error *err, allot_status code, const char *file,
                             long line, long column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    allot_error_setv(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return code;
}

const char *allot_strerror(allot_status code)
{
    switch (code) {
    case ALLOT_OK: return "success";
    case ALLOT_ERR_NOMEM: return "out of memory";
    case ALLOT_ERR_IO: return "input/output error";
    case ALLOT_ERR_DB: return "database error";
    case ALLOT_ERR_LOCKED: return "database locked";
    case ALLOT_ERR_USAGE: return "invalid parameter";
    case ALLOT_ERR_CONFIG: return "invalid configuration";
    case ALLOT_ERR_PARSE: return "unreadable input";
    case ALLOT_ERR_DATA: return "unusable data";
    case ALLOT_ERR_REJECTED: return "rows rejected";
    case ALLOT_ERR_NUMERIC: return "numerical failure";
    case ALLOT_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown error";
}

int allot_exit_code(allot_status code)
{
    switch (code) {
    case ALLOT_OK:
        return 0;
    case ALLOT_ERR_PARSE:
    case ALLOT_ERR_DATA:
    case ALLOT_ERR_REJECTED:
    case ALLOT_ERR_NUMERIC:
    case ALLOT_ERR_LIMIT:
        return 1;
    case ALLOT_ERR_USAGE:
    case ALLOT_ERR_CONFIG:
        return 2;
    case ALLOT_ERR_NOMEM:
    case ALLOT_ERR_IO:
    case ALLOT_ERR_DB:
    case ALLOT_ERR_LOCKED:
        return 3;
    }
    return 3;
}
