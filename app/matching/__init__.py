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
- stable IDs (ids.py) and incremental runs (incremental.py): an ID follows the larger
  part of its cluster; only clusters a change touches are re-clustered;
- survivorship (survivorship.py): per field, source priority, then recency, then
  completeness, with the chosen record named for every field.
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
