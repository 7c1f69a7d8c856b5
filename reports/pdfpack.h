/*
 * pdfpack.h — the leadership PDF: a cover with the period and the headline
 * numbers with their change against the prior period, one chart per page
 * with its takeaway, and a methods page (models, windows, intervals,
 * definitions). A4 landscape, text through pango, byte-stable (fixed
 * creation date, nothing from the clock or the machine).
 */
#ifndef ALLOT_REPORTS_PDFPACK_H
#define ALLOT_REPORTS_PDFPACK_H

#include "chartset.h"
#include "report_data.h"

#define PDFPACK_PAGE_W 842.0 /* A4 landscape, points */
#define PDFPACK_PAGE_H 595.0

typedef struct pdfpack_options {
    const chartset_id *charts; /* pages in this order; NULL = every chart */
    size_t n_charts;
    const char *company;       /* shown on the cover; NULL = "allot" */
    int lookback_days;         /* for the methods page */
} pdfpack_options;

/* Writes the pack to path. *pages gets the page count (may be NULL).
 * Charts whose section is missing are still drawn, saying why; their ids
 * are not an error. ALLOT_ERR_IO when the file cannot be written. */
allot_status pdfpack_write(const allot_report *r, const pdfpack_options *options,
                           const char *path, int *pages, allot_error *err);

/* The change line of a headline number ("+12.3 % vs 2026Q1", "+2.1 pts vs
 * 2026Q1", "no prior figure"), into buf. */
char *pdfpack_change(const allot_report_kpi *k, const char *prior_label, char *buf,
                     size_t size);

/* A headline number as printed ("USD 1,234,567", "31", "3.20x", "94.5 %"). */
char *pdfpack_value(const allot_report_kpi *k, double v, const char *currency, char *buf,
                    size_t size);

#endif
