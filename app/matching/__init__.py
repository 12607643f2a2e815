"""Pure de-duplication: score record pairs, cluster them, merge each cluster's fields.

No database and no Flask here: the caller turns source records into `MatchRecord`s
(`MatchRecord.from_service`), runs `match_records` (or `match_incremental` after
changes), stores the clusters, and builds each merged service with `survive`.

The rules, each documented where it lives:

- names (names.py): one spelling per name; borough names and distinctive words are the
  evidence that tells "Age UK Camden" from "Age UK Islington" and "Friends of Highbury
  Fields" from "Friends of Clissold Park";
- blocking (blocking.py, index.py): records are compared only when they share an exact
  key, or a name word alone, in the same ~1 km cell (or postcode district, without
  coordinates) or at the same venue; large blocks give sorted-name neighbours only;
- scoring (scoring.py, config.py): a service is its organisation + what it is + where
  it runs; exact keys count for less the more distinct services share them; clear
  differences of activity or place outweigh any amount of organisation-level evidence;
- clustering (clustering.py): strongest pairs first, merging only clusters whose every
  cross pair is free of strong negative evidence and whose average is high; one source's
  own records only on overwhelming evidence; ambiguous records left for review; human
  must_link / cannot_link decisions always win;
- same-source evidence (scoring.py, clustering.py, engine.py): a source's own service ID
  on two records (CarePlace's one row per venue, "S12@N16AB" / "S12@N43XY") is one
  service, decisively; two records of one source under different IDs merge at 6 (a
  directory does list a service twice), and a record giving no place at all counts as
  a thin listing, not a second place. A cross pair that differs only in where it runs
  is excused when one listing in the cluster (a feed's record with both venues, or a
  source's rows of one service ID) runs at both places;
- stable IDs (ids.py) and incremental runs (incremental.py): an ID follows the larger
  part of its cluster; only clusters a change touches are re-clustered;
- survivorship (survivorship.py): per field, source priority, then recency, then
  completeness, with the chosen record named for every field.

The weights. Every score is a sum of log-odds-like weights (config.py, roughly log2 of
how much likelier the evidence is for one service than for two candidates that are not,
in Fellegi-Sunter's m/u terms): an exact unshared phone +4, the same organisation name
+3, the same activity +2.5, a venue's postcode +1.5; a clearly different activity -5,
pins kilometres apart -7 to -10, another postcode district -4.5 (at most -2.5 when one
side has no pin: the postcode is then a claim, and a source may give a neighbour's).
Where one service of a provider has to be told from another, the difference must beat
all the provider's shared evidence (strongest key 4 + the others at a quarter + its name
3 + the venue 1.5, about 10): different branch numbers ("#1"/"#4") -10, an audience
word on one side only ("Junior youth club", "Individual counselling") -8 in place of
the activity's agreement, two activities alike only in a kind word ("Benefits advice"
/ "Debt advice") -8. They are set by hand,
not learned by EM as Splink does, for three reasons measured on bench/evaluate.py: the
comparisons are far from the conditional independence EM assumes (one organisation's
phone, email and website move together, so only the strongest key counts in full);
the decisive evidence is structural, not an agreement level (the same source ID, a
listing that bridges two venues, one name's distinctive word against the other's,
"#1" against "#4", a key shared by twenty groups), which an m/u table cannot express;
and there is no labelled real London data to check fitted m/u values against, while
the hand-set ones are checked per phenomenon on held-out generated seeds
(bench/evaluate.py: tune on seeds 1-3, report 101-105) and on a real clean directory
(Open Referral's HSDS sample, which must not merge with itself).
"""

from app.matching.clustering import HumanDecisions, cluster_records
from app.matching.config import Decision, LevelConfig, MatchConfig, OrgWeights, Weights
from app.matching.engine import MatchResult, explain, match_index, match_records
from app.matching.ids import Clustering
from app.matching.incremental import match_incremental
from app.matching.index import RecordIndex
from app.matching.record import MatchRecord
from app.matching.scoring import PairScore, score_organizations, score_services
from app.matching.survivorship import survive

__all__ = [
    "Clustering",
    "Decision",
    "HumanDecisions",
    "LevelConfig",
    "MatchConfig",
    "MatchRecord",
    "MatchResult",
    "OrgWeights",
    "PairScore",
    "RecordIndex",
    "Weights",
    "cluster_records",
    "explain",
    "match_incremental",
    "match_index",
    "match_records",
    "score_organizations",
    "score_services",
    "survive",
]
