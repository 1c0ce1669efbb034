"""The sequential transformer: a shopper's latest actions → scores of every item.

Modules: ``attention`` (reference and fused causal attention), ``network`` (item
and sequence encoders), ``data`` (training windows and batches), ``trainer``
(full-softmax training with early stopping) and ``model`` (the candidate generator).
"""

from shopfront.models.sequential.model import SequentialCandidateGenerator
from shopfront.models.sequential.network import NetworkConfig, SequentialNetwork

__all__ = ["NetworkConfig", "SequentialCandidateGenerator", "SequentialNetwork"]
