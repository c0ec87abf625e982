"""Floor-report extras of a progressive GAN: how far it grew in its budget."""


def growth_report(model, spec, images_dir=None):
    """`{"images_seen", "resolution", "alpha", "conditions"}` of a trained model.

    A floor met before the model reached its final resolution would be a floor
    of a smaller model: the condition "final resolution reached" is part of it.
    """
    del spec, images_dir
    reached = bool(model.resolution == model.final_resolution and model.alpha >= 1.0)
    return {"images_seen": int(model.images_seen.numpy()), "resolution": int(model.resolution),
            "alpha": float(model.alpha), "conditions": {"final resolution reached": reached}}
