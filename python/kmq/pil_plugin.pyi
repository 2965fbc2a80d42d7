# SPDX-License-Identifier: MIT
from PIL import ImageFile

SIGNATURE: bytes

class KmqImageFile(ImageFile.ImageFile): ...

def register() -> None: ...
