/* allot-synth — write a deterministic synthetic B2B company as canonical CSVs. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "period.h"
#include "synth.h"

static void usage(void)
{
    printf("Usage: allot-synth --out DIR [OPTIONS]\n"
           "Write a synthetic B2B company (campaigns, spend, people, touches, deals,\n"
           "contact roles, stage history, subscriptions, fx rates) as canonical CSVs\n"
           "into DIR, one file per table. Same options, same bytes.\n"
           "\n"
           "  -o, --out DIR          output folder (created when missing)\n"
           "  -s, --seed N           random seed (default 1)\n"
           "  -n, --touches N        touches to generate (default 50000; the last\n"
           "                         account is completed, so a few more may be written)\n"
           "      --start DATE       first day, YYYY-MM-DD (default 2024-10-01)\n"
           "  -q, --quarters N       quarters simulated, 1..40 (default 8)\n"
           "  -h, --help             this help\n"
           "\n"
           "stdout: one line per file, 'FILE<TAB>ROWS'. The planted channel effects are\n"
           "listed in the README section \"Sample company\".\n");
}

static int parse_count(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < 0)
        return 0;
    *out = v;
    return 1;
}

static void progress(void *ctx, int64_t done, int64_t total)
{
    (void)ctx;
    cli_progress("touches", done, total);
}

int main(int argc, char **argv)
{
    cli_init(argv[0]);
    allot_synth_options opt;
    allot_synth_options_init(&opt);
    const char *dir = NULL;
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},      {"seed", required_argument, NULL, 's'},
        {"touches", required_argument, NULL, 'n'},  {"start", required_argument, NULL, 'S'},
        {"quarters", required_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    int64_t v;
    while ((ch = getopt_long(argc, argv, "o:s:n:q:h", longopts, NULL)) != -1) {
        switch (ch) {
        case 'o':
            dir = optarg;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 10);
            if (!*optarg || *end || errno || optarg[0] == '-')
                return cli_usage_error("--seed '%s' is not a non-negative whole number", optarg);
            opt.seed = s;
            break;
        }
        case 'n':
            if (!parse_count(optarg, &v) || v < 1)
                return cli_usage_error("--touches '%s' is not a whole number >= 1", optarg);
            opt.touches = v;
            break;
        case 'S':
            if (allot_date_parse(optarg, &opt.start_day) != ALLOT_OK)
                return cli_usage_error("--start '%s' is not a date YYYY-MM-DD", optarg);
            break;
        case 'q':
            if (!parse_count(optarg, &v) || v < 1 || v > 40)
                return cli_usage_error("--quarters '%s' is not 1..40", optarg);
            opt.quarters = (int)v;
            break;
        case 'h':
            usage();
            return cli_finish(CLI_EXIT_OK);
        default:
            return cli_option_error(argv, "o:s:n:q:h");
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!dir)
        return cli_usage_error("--out DIR is required");
    if (cli_mkdirs(dir) != 0) {
        cli_error("cannot create folder '%s': %s", dir, strerror(errno));
        return CLI_EXIT_ENV;
    }
    opt.progress = progress;
    double t0 = cli_seconds();
    allot_synth_counts n;
    allot_error err;
    allot_error_clear(&err);
    allot_status st = allot_synth_write(dir, &opt, &n, &err);
    cli_progress_done();
    if (st != ALLOT_OK)
        return cli_report(&err);
    const int64_t rows[] = {n.fx_rates, n.campaigns, n.spend, n.people, n.touches,
                            n.deals, n.deal_people, n.stage_history, n.subscriptions};
    for (int i = 0; allot_synth_files[i]; i++)
        printf("%s\t%" PRId64 "\n", allot_synth_files[i], rows[i]);
    char start[11];
    fprintf(stderr,
            "allot-synth: wrote %" PRId64 " touches of %" PRId64 " people in %" PRId64
            " accounts, %" PRId64 " deals (%" PRId64 " won, %" PRId64 " lost, %" PRId64
            " open), %" PRId64 " campaigns, %d quarters from %s, seed %" PRIu64
            ", %.1f MB into %s in %.2f s\n",
            n.touches, n.people, n.accounts, n.deals, n.deals_won, n.deals_lost, n.deals_open,
            n.campaigns, opt.quarters, allot_date_format(opt.start_day, start), opt.seed,
            (double)n.bytes / 1e6, dir, cli_seconds() - t0);
    return cli_finish(CLI_EXIT_OK);
}
