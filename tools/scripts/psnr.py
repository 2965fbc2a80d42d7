#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# PSNR over RGB between two images: psnr.py A B
import sys
import numpy as np
from PIL import Image

a = np.asarray(Image.open(sys.argv[1]).convert("RGB"), dtype=np.float64)
b = np.asarray(Image.open(sys.argv[2]).convert("RGB"), dtype=np.float64)
mse = ((a - b) ** 2).mean()
print("inf" if mse == 0 else f"{10 * np.log10(255 ** 2 / mse):.3f}")
