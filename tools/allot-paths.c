/* allot-paths — data-driven attribution (exact Markov removal effects,
 * Shapley values) over a ChannelAttribution path file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"
#include "datadriven.h"
#include "markov.h"
#include "paths.h"

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: allot-paths --paths FILE --model markov|shapley [options]\n"
            "Data-driven attribution over aggregated journeys (a path file:\n"
            "path;total_conversions;total_conversion_value;total_null, paths 'a > b > c').\n"
            "\n"
            "  --paths FILE          the path file (required)\n"
            "  --model NAME          markov (exact removal effects) or shapley\n"
            "  --order K             Markov order 1..4 (default 1)\n"
            "  --keep-repeats        keep consecutive repeats (a > a > b); default collapses them\n"
            "  --shapley KIND        exact (default; conversion-rate game, <= 20 channels),\n"
            "                        simplified (Zhao et al.) or ordered (by touch position)\n"
            "  --bootstrap B         B journey-level bootstrap replicates: adds lower,upper\n"
            "                        (95%% percentile interval of the attributed conversions)\n"
            "  --seed S              bootstrap seed (default 1)\n"
            "  --min-journeys N      flag channels touched by fewer journeys (default %d)\n"
            "  --transitions FILE    write the Markov transition matrix as CSV\n"
            "  --method M            Markov solver: auto (default), dense (fundamental matrix,\n"
            "                        order 1) or sparse (per-channel sparse solves)\n"
            "  --csv                 CSV on stdout (default: an aligned table)\n"
            "  -h, --help            this help\n"
            "\n"
            "CSV columns: markov  channel,removal_effect,conversions,value[,lower,upper]\n"
            "             shapley channel,shapley,conversions[,lower,upper]\n"
            "             ordered channel,position,shapley,conversions\n"
            "Exit: 0 done, 1 unusable data, 2 usage, 3 environment.\n",
            ALLOT_DD_MIN_JOURNEYS);
}

static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    cli_progress("bootstrap replicate", (int64_t)done, (int64_t)total);
}

static int parse_ulong(const char *s, unsigned long *out)
{
    char *end;
    if (!*s || *s == '-')
        return -1;
    unsigned long v = strtoul(s, &end, 10);
    if (*end)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    gsl_set_error_handler_off();
    enum { OPT_PATHS = 256, OPT_MODEL, OPT_ORDER, OPT_KEEP, OPT_SHAPLEY, OPT_BOOT, OPT_SEED,
           OPT_MIN, OPT_TRANS, OPT_CSV, OPT_METHOD };
    static const struct option options[] = {
        {"paths", required_argument, NULL, OPT_PATHS},
        {"model", required_argument, NULL, OPT_MODEL},
        {"order", required_argument, NULL, OPT_ORDER},
        {"keep-repeats", no_argument, NULL, OPT_KEEP},
        {"shapley", required_argument, NULL, OPT_SHAPLEY},
        {"bootstrap", required_argument, NULL, OPT_BOOT},
        {"seed", required_argument, NULL, OPT_SEED},
        {"min-journeys", required_argument, NULL, OPT_MIN},
        {"transitions", required_argument, NULL, OPT_TRANS},
        {"csv", no_argument, NULL, OPT_CSV},
        {"method", required_argument, NULL, OPT_METHOD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *file = NULL, *model = NULL, *transitions = NULL;
    allot_datadriven_options opt = {0};
    opt.seed = 1;
    int csv = 0;
    unsigned long v;
    int c;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        switch (c) {
        case OPT_PATHS: file = optarg; break;
        case OPT_MODEL: model = optarg; break;
        case OPT_ORDER:
            if (parse_ulong(optarg, &v) != 0 || v < 1 || v > ALLOT_MARKOV_MAX_ORDER)
                return cli_usage_error("--order must be 1 to %d, not '%s'",
                                       ALLOT_MARKOV_MAX_ORDER, optarg);
            opt.markov.order = (int)v;
            break;
        case OPT_KEEP: opt.markov.keep_repeats = 1; break;
        case OPT_SHAPLEY:
            if (strcmp(optarg, "exact") == 0)
                opt.shapley = ALLOT_SHAPLEY_EXACT;
            else if (strcmp(optarg, "simplified") == 0)
                opt.shapley = ALLOT_SHAPLEY_SIMPLIFIED;
            else if (strcmp(optarg, "ordered") == 0)
                opt.shapley = ALLOT_SHAPLEY_ORDERED;
            else
                return cli_usage_error("--shapley must be exact, simplified or ordered, not '%s'",
                                       optarg);
            break;
        case OPT_BOOT:
            if (parse_ulong(optarg, &v) != 0 || v < 1 || v > 1000000)
                return cli_usage_error("--bootstrap must be 1 to 1000000 replicates, not '%s'",
                                       optarg);
            opt.bootstrap = v;
            break;
        case OPT_SEED:
            if (parse_ulong(optarg, &v) != 0)
                return cli_usage_error("--seed must be a non-negative integer, not '%s'", optarg);
            opt.seed = v;
            break;
        case OPT_MIN:
            if (parse_ulong(optarg, &v) != 0)
                return cli_usage_error("--min-journeys must be a non-negative integer, not '%s'",
                                       optarg);
            opt.min_journeys = (double)v;
            break;
        case OPT_TRANS: transitions = optarg; break;
        case OPT_CSV: csv = 1; break;
        case OPT_METHOD:
            if (strcmp(optarg, "auto") == 0)
                opt.markov.method = ALLOT_MARKOV_AUTO;
            else if (strcmp(optarg, "dense") == 0)
                opt.markov.method = ALLOT_MARKOV_DENSE;
            else if (strcmp(optarg, "sparse") == 0)
                opt.markov.method = ALLOT_MARKOV_SPARSE;
            else
                return cli_usage_error("--method must be auto, dense or sparse, not '%s'", optarg);
            break;
        case 'h': usage(stdout); return cli_finish(0);
        default: return cli_usage_error("unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!file)
        return cli_usage_error("--paths FILE is required");
    if (!model)
        return cli_usage_error("--model markov|shapley is required");
    if (strcmp(model, "markov") == 0)
        opt.model = ALLOT_DD_MARKOV;
    else if (strcmp(model, "shapley") == 0)
        opt.model = ALLOT_DD_SHAPLEY;
    else
        return cli_usage_error("--model must be markov or shapley, not '%s'", model);
    if (transitions && opt.model != ALLOT_DD_MARKOV)
        return cli_usage_error("--transitions needs --model markov");
    if (opt.model == ALLOT_DD_SHAPLEY && opt.shapley == ALLOT_SHAPLEY_ORDERED && opt.bootstrap)
        return cli_usage_error("--bootstrap is not available with --shapley ordered");
    opt.progress = progress;

    double t0 = cli_seconds();
    allot_error err;
    allot_error_clear(&err);
    allot_paths *paths = NULL;
    allot_status st = allot_paths_read(file, &paths, &err);
    if (st != ALLOT_OK)
        return cli_report(&err);
    allot_datadriven_result res;
    st = allot_datadriven_run_paths(paths, &opt, &res, &err);
    cli_progress_done();
    if (st != ALLOT_OK) {
        if (!err.file[0])
            snprintf(err.file, sizeof err.file, "%s", file);
        allot_paths_free(paths);
        return cli_report(&err);
    }
    if (transitions) {
        allot_markov *chain = NULL;
        st = allot_markov_new(paths, &opt.markov, &chain, &err);
        if (st == ALLOT_OK)
            st = allot_markov_write_transitions(chain, transitions, &err);
        allot_markov_free(chain);
        if (st != ALLOT_OK) {
            allot_datadriven_result_release(&res);
            allot_paths_free(paths);
            return cli_report(&err);
        }
    }

    int boot = res.lower != NULL;
    int ordered = opt.model == ALLOT_DD_SHAPLEY && opt.shapley == ALLOT_SHAPLEY_ORDERED;
    const char *sep = csv ? "," : "  ";
    if (opt.model == ALLOT_DD_MARKOV)
        printf(csv ? "channel,removal_effect,conversions,value" : "%-24s%s%14s%s%14s%s%16s",
               "channel", sep, "removal_effect", sep, "conversions", sep, "value");
    else if (ordered)
        printf(csv ? "channel,position,shapley,conversions" : "%-24s%s%8s%s%14s%s%14s",
               "channel", sep, "position", sep, "shapley", sep, "conversions");
    else
        printf(csv ? "channel,shapley,conversions" : "%-24s%s%14s%s%14s", "channel", sep,
               "shapley", sep, "conversions");
    if (boot)
        printf(csv ? ",lower,upper" : "%s%14s%s%14s", sep, "lower", sep, "upper");
    putchar('\n');
    size_t flagged = 0;
    for (size_t ch = 0; ch < res.n_channels; ch++) {
        const char *name = paths->channels[ch];
        flagged += res.low_support[ch] != 0;
        if (ordered) {
            for (size_t k = 0; k < res.positions; k++) {
                double phi = res.by_position[ch * res.positions + k];
                if (phi == 0)
                    continue;
                double conv = res.p_conversion != 0
                                  ? phi / res.p_conversion * res.total_conversions
                                  : 0;
                if (csv)
                    printf("%s,%zu,%.12g,%.6f\n", name, k + 1, phi, conv);
                else
                    printf("%-24s  %8zu  %14.6g  %14.4f\n", name, k + 1, phi, conv);
            }
            continue;
        }
        if (csv) {
            if (strpbrk(name, ",\"\n\r")) {
                putchar('"');
                for (const char *q = name; *q; q++) {
                    if (*q == '"')
                        putchar('"');
                    putchar(*q);
                }
                putchar('"');
            } else {
                fputs(name, stdout);
            }
        } else {
            printf("%-24s", name);
        }
        if (opt.model == ALLOT_DD_MARKOV)
            printf(csv ? ",%.12g,%.6f,%.6f" : "  %14.8f  %14.4f  %16.4f", res.score[ch],
                   res.conversions[ch], res.value[ch]);
        else
            printf(csv ? ",%.12g,%.6f" : "  %14.8f  %14.4f", res.score[ch], res.conversions[ch]);
        if (boot)
            printf(csv ? ",%.6f,%.6f" : "  %14.4f  %14.4f", res.lower[ch], res.upper[ch]);
        putchar('\n');
    }
    if (flagged) {
        size_t shown = 0;
        char list[512] = "";
        for (size_t ch = 0; ch < res.n_channels && shown < 10; ch++)
            if (res.low_support[ch]) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof list - l, "%s%s (%.0f)", shown ? ", " : "",
                         paths->channels[ch], res.journeys[ch]);
                shown++;
            }
        cli_warning("%zu channel%s touched by fewer than %.0f journeys, figures uncertain: %s%s",
                    flagged, flagged == 1 ? "" : "s",
                    opt.min_journeys > 0 ? opt.min_journeys : (double)ALLOT_DD_MIN_JOURNEYS,
                    list, flagged > shown ? ", ..." : "");
    }
    double t1 = cli_seconds();
    if (opt.model == ALLOT_DD_MARKOV)
        fprintf(stderr,
                "%s: markov order %d over %zu paths, %zu channels, %zu states: "
                "P(conversion) %.6g, %.0f conversions%s in %.2f s\n",
                cli_program(), opt.markov.order ? opt.markov.order : 1, paths->n_paths,
                res.n_channels, res.states, res.p_conversion, res.total_conversions,
                boot ? ", bootstrapped" : "", t1 - t0);
    else
        fprintf(stderr, "%s: shapley (%s) over %zu paths, %zu channels: %.0f conversions%s in %.2f s\n",
                cli_program(),
                opt.shapley == ALLOT_SHAPLEY_EXACT        ? "exact"
                : opt.shapley == ALLOT_SHAPLEY_SIMPLIFIED ? "simplified"
                                                          : "ordered",
                paths->n_paths, res.n_channels, res.total_conversions,
                boot ? ", bootstrapped" : "", t1 - t0);
    allot_datadriven_result_release(&res);
    allot_paths_free(paths);
    return cli_finish(0);
}
