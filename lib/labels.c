#include "labels.h"

#include <string.h>

const char *allot_label_reserved(const char *value, size_t len)
{
    static const struct {
        const char *label, *holds;
    } reserved[] = {
        {ALLOT_LABEL_NONE, "no campaign, channel or source"},
        {ALLOT_LABEL_UNATTRIBUTED, "won deals with no touch in the lookback window"},
        {ALLOT_LABEL_ALL, "the total over all groups"},
    };
    if (!value)
        return NULL;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strlen(reserved[i].label) == len && memcmp(value, reserved[i].label, len) == 0)
            return reserved[i].holds;
    return NULL;
}
