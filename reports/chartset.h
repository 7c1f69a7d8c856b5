/*
 * chartset.h — the charts leadership reads, built from an allot_report
 * (lib/report_data.h), each with a takeaway sentence computed from the
 * data ("Webinar produced 31 % of credited revenue on 9 % of spend").
 *
 * Chart names (allot-chart arguments and file names):
 *   credit    credited revenue by channel, default model (sorted bars)
 *   models    channel share under each model (dot plot)
 *   roi       campaign ROI vs spend (labelled scatter, zero-ROI line)
 *   funnel    lead -> MQL -> SQL -> opportunity -> won with conversion rates
 *   bridge    ARR bridge start -> new, expansion, contraction, churn -> end
 *   cohorts   logo retention by monthly cohort (heatmap)
 *   survival  Kaplan-Meier curves by acquisition channel with 95 % bands
 *   trend     pipeline created and won revenue by month (12 months)
 *
 * A chart whose data section is missing is still built: it draws the
 * reason ("No credit run in this database: run allot-credit first") and
 * chartset_build reports it as missing so the tool can warn.
 */
#ifndef ALLOT_REPORTS_CHARTSET_H
#define ALLOT_REPORTS_CHARTSET_H

#include "chart.h"
#include "report_data.h"

typedef enum chartset_id {
    CHARTSET_CREDIT = 0,
    CHARTSET_MODELS,
    CHARTSET_ROI,
    CHARTSET_FUNNEL,
    CHARTSET_BRIDGE,
    CHARTSET_COHORTS,
    CHARTSET_SURVIVAL,
    CHARTSET_TREND,
    CHARTSET_COUNT
} chartset_id;

const char *chartset_name(chartset_id id);
/* The id of a chart name, or -1. */
int chartset_parse(const char *name);

/* The report sections a chart needs (ALLOT_REPORT_WANT bits), for
 * allot_report_options.sections. */
unsigned chartset_sections(chartset_id id);

/* A built chart and the storage its borrowed strings and arrays live in. */
typedef struct chartset_item {
    chart chart;
    int missing;         /* 1 when drawn without data (the words in empty) */
    char title[160], takeaway[320], note[512], empty[320];
    void *owned[12];     /* arrays the chart points into */
    size_t n_owned;
    chart_km_series *km; /* survival series */
} chartset_item;

/* Builds chart id from r. ALLOT_ERR_NOMEM only; release with
 * chartset_item_release (safe after a failure). */
allot_status chartset_build(const allot_report *r, chartset_id id, chartset_item *item,
                            allot_error *err);
void chartset_item_release(chartset_item *item);

#endif
