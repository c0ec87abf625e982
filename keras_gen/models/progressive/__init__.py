"""Progressive growing shared by ProGAN and StyleGAN: schedule, routing, base model."""

from keras_gen.models.progressive.model import ProgressiveGAN
from keras_gen.models.progressive.networks import ProgressiveDiscriminator
from keras_gen.models.progressive.schedule import growth_images, num_stages, stage_at

__all__ = ["ProgressiveDiscriminator", "ProgressiveGAN", "growth_images", "num_stages",
           "stage_at"]
