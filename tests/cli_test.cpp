// SPDX-License-Identifier: MIT
// Runs the built kmqenc, kmqdec, kmqinfo and kmqcompare: exit codes, messages, formats, pipes,
// safety.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <string>
#include <utility>
#include <vector>

#include "compare/report_html.hpp"
#include "scratch_folder.hpp"
#include "test_images.hpp"
#include "tool_runner.hpp"

namespace {

namespace fs = std::filesystem;

using kmq::testing::run;
using kmq::testing::ToolRun;

class Cli : public kmq::testing::ScratchFolderTest {
 protected:
  std::string sample() const { return KMQ_SAMPLE_IMAGE; }
};

const std::string kEnc = KMQENC_PATH;
const std::string kDec = KMQDEC_PATH;
const std::string kInfo = KMQINFO_PATH;
const std::string kCompare = KMQCOMPARE_PATH;

TEST_F(Cli, HelpAndVersionSucceed) {
  for (const auto& tool : {kEnc, kDec, kInfo, kCompare}) {
    const ToolRun help = run(tool + " --help");
    EXPECT_EQ(help.exit_code, 0) << tool;
    EXPECT_NE(help.output.find("Usage:"), std::string::npos);
    const ToolRun version = run(tool + " --version");
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.output.find(kmq::version()), std::string::npos);
  }
}

TEST_F(Cli, BadUsageExitsWithTwo) {
  EXPECT_EQ(run(kEnc).exit_code, 2);  // no input
  EXPECT_EQ(run(kDec).exit_code, 2);
  EXPECT_EQ(run(kInfo).exit_code, 2);
  EXPECT_EQ(run(kCompare).exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + sample() + " -o " + path("a.kmq") + " -k 0").exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + sample() + " -o " + path("a.kmq") + " -k 70000").exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + sample() + " -o " + path("a.kmq") + " --bogus").exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + sample() + " -o " + path("a.kmq") + " -k x").exit_code, 2);
  const ToolRun bad_format = run(kDec + " x.kmq -o " + path("out.gif"));
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_NE(bad_format.output.find("kmqdec: error:"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("a.kmq")));
}

TEST_F(Cli, EncodesTheSampleAndDecodesToEveryFormat) {
  const ToolRun enc = run(kEnc + " " + sample() + " -o " + path("s.kmq") + " -k 16 -v");
  ASSERT_EQ(enc.exit_code, 0) << enc.output;
  EXPECT_NE(enc.output.find("psnr"), std::string::npos);
  EXPECT_NE(enc.output.find("bits/pixel"), std::string::npos);
  const auto file = kmq::io::read_file(path("s.kmq"));
  const auto decoded = kmq::decode(file);
  EXPECT_EQ(kmq::inspect(file).palette_size, 16);
  for (const std::string extension : {"png", "ppm", "pam", "jpg"}) {
    const std::string out = path("s." + extension);
    const ToolRun dec = run(kDec + " " + path("s.kmq") + " -o " + out);
    ASSERT_EQ(dec.exit_code, 0) << dec.output;
    const auto image = kmq::io::read_image(kmq::io::read_file(out));
    if (extension == "jpg") {
      EXPECT_GT(kmq::psnr(image, decoded), 30);
    } else {
      EXPECT_TRUE(kmq::testing::same_pixels(image, decoded)) << extension;
    }
    // The sample's ICC profile and comment travel into PNG and JPEG, not into PPM or PAM.
    const bool holds_metadata = extension == "png" || extension == "jpg";
    EXPECT_EQ(image.metadata().icc_profile == decoded.metadata().icc_profile, holds_metadata)
        << extension;
  }
  const ToolRun info = run(kInfo + " " + path("s.kmq"));
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.output.find("640 x 427"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("LABL"), std::string::npos);
}

TEST_F(Cli, SameInputAndSeedGiveIdenticalFilesWhateverTheThreads) {
  ASSERT_EQ(run(kEnc + " " + sample() + " -o " + path("a.kmq") + " -k 32 -j 1").exit_code, 0);
  ASSERT_EQ(run(kEnc + " " + sample() + " -o " + path("b.kmq") + " -k 32 -j 2").exit_code, 0);
  EXPECT_EQ(kmq::io::read_file(path("a.kmq")), kmq::io::read_file(path("b.kmq")));
}

TEST_F(Cli, WorksInPipes) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(30, 20)));
  const ToolRun piped = run(kEnc + " - -o - -k 8 < " + path("in.ppm") + " | " + kDec +
                            " - -o - --format pam > " + path("out.pam"));
  ASSERT_EQ(piped.exit_code, 0) << piped.output;
  const auto image = kmq::io::read_image(kmq::io::read_file(path("out.pam")));
  EXPECT_EQ(image.width(), 30);
}

TEST_F(Cli, BadInputExitsWithOneAndLeavesNoOutput) {
  const ToolRun missing = run(kEnc + " " + path("absent.png") + " -o " + path("x.kmq"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("kmqenc: error:"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("x.kmq")));

  kmq::io::write_file_atomically(path("junk.kmq"), std::vector<std::uint8_t>(100, 7));
  const ToolRun corrupt = run(kDec + " " + path("junk.kmq") + " -o " + path("junk.png"));
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_NE(corrupt.output.find("corrupt file"), std::string::npos) << corrupt.output;
  EXPECT_FALSE(fs::exists(path("junk.png")));
  EXPECT_EQ(run(kInfo + " " + path("junk.kmq")).exit_code, 1);
  // Nothing else (no temporary file) is left in the folder.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(folder_)) ++entries;
  EXPECT_EQ(entries, 1u);
}

TEST_F(Cli, NeverOverwritesTheInputOrAnExistingFileWithoutForce) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(8, 8)));
  const auto original = kmq::io::read_file(path("in.ppm"));
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("in.ppm") + " --force").exit_code, 2);
  EXPECT_EQ(kmq::io::read_file(path("in.ppm")), original);
  ASSERT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("o.kmq")).exit_code, 0);
  const ToolRun again = run(kEnc + " " + path("in.ppm") + " -o " + path("o.kmq"));
  EXPECT_EQ(again.exit_code, 1);  // a file that cannot be written, as in a batch
  EXPECT_NE(again.output.find("--force"), std::string::npos);
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("o.kmq") + " -f").exit_code, 0);
}

TEST_F(Cli, EffortAndLabelCodingChooseTheMethod) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(48, 32)));
  const std::string base = kEnc + " " + path("in.ppm") + " -f -k 8 -o ";
  for (const auto& [option, method] :
       std::vector<std::pair<std::string, int>>{{"--label-coding raw", 0},
                                                {"--label-coding contexts", 1},
                                                {"--label-coding partitions", 2},
                                                {"--effort 1", 2},
                                                {"-e 3", 2}}) {
    const ToolRun enc = run(base + path("e.kmq") + " " + option);
    ASSERT_EQ(enc.exit_code, 0) << option << "\n" << enc.output;
    EXPECT_EQ(kmq::inspect(kmq::io::read_file(path("e.kmq"))).label_coding, method) << option;
    const ToolRun info = run(kInfo + " " + path("e.kmq"));
    EXPECT_NE(info.output.find(method == 2 ? "neighbour-partitions" : "label coding"),
              std::string::npos);
  }
  for (const std::string bad : {"--effort 0", "--effort 7", "--label-coding lzma"}) {
    const ToolRun enc = run(base + path("bad.kmq") + " " + bad);
    EXPECT_EQ(enc.exit_code, 2) << bad;
    EXPECT_FALSE(fs::exists(path("bad.kmq")));
  }
  const ToolRun too_many =
      run(kEnc + " " + sample() + " -f -k 300 --label-coding partitions -o " + path("wide.kmq"));
  EXPECT_NE(too_many.exit_code, 0);
  EXPECT_NE(too_many.output.find("K <= 256"), std::string::npos) << too_many.output;
}

TEST_F(Cli, EveryMethodSpaceAndDitherRunsAndReports) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(48, 32)));
  for (const std::string method : {"kmeans", "minibatch", "gmm"}) {
    for (const std::string extra : {"", " --space oklab", " --dither", " --dither=0.5"}) {
      const ToolRun enc = run(kEnc + " " + path("in.ppm") + " -o " + path("m.kmq") +
                              " -f -k 6 -v -m " + method + extra);
      ASSERT_EQ(enc.exit_code, 0) << method << extra << "\n" << enc.output;
      EXPECT_NE(enc.output.find("method " + method), std::string::npos) << enc.output;
      EXPECT_NE(enc.output.find("iterations"), std::string::npos);
      if (method == "gmm") EXPECT_NE(enc.output.find("log-likelihood"), std::string::npos);
      EXPECT_EQ(kmq::inspect(kmq::io::read_file(path("m.kmq"))).palette_size, 6);
    }
  }
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("x.kmq") + " -m bogus").exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("x.kmq") + " --space lab").exit_code,
            2);
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("x.kmq") + " --dither=2").exit_code, 2);
}

TEST_F(Cli, SampleClustersASampleAndRefusesTargets) {
  const auto image = kmq::testing::clustered_image(
      160, 120, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 40, 3);
  kmq::io::write_file_atomically(path("in.ppm"), kmq::io::write_pnm(image));
  const ToolRun enc =
      run(kEnc + " " + path("in.ppm") + " -o " + path("s.kmq") + " -k 12 -v --sample 4096");
  ASSERT_EQ(enc.exit_code, 0) << enc.output;
  EXPECT_NE(enc.output.find("psnr"), std::string::npos) << enc.output;
  const kmq::IndexedImage decoded = kmq::decode_indexed(kmq::io::read_file(path("s.kmq")));
  EXPECT_EQ(decoded.palette.size(), 36u);
  ASSERT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("all.kmq") + " -k 12").exit_code, 0);
  const kmq::IndexedImage every = kmq::decode_indexed(kmq::io::read_file(path("all.kmq")));
  EXPECT_GT(kmq::psnr(image, kmq::expand(decoded)), kmq::psnr(image, kmq::expand(every)) - 0.5);
  const ToolRun refused =
      run(kEnc + " " + path("in.ppm") + " -o " + path("t.kmq") + " --sample 4096 --target-psnr 30");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;  // a bad combination of options
  EXPECT_NE(refused.output.find("sample"), std::string::npos) << refused.output;
  EXPECT_FALSE(fs::exists(path("t.kmq")));
  EXPECT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("u.kmq") + " --sample x").exit_code, 2);
}

TEST_F(Cli, AutomaticKPrintsTheChoiceAndUnreachableTargetsExitWith99) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(48, 32)));
  const ToolRun psnr =
      run(kEnc + " " + path("in.ppm") + " -o " + path("a.kmq") + " --target-psnr 30");
  ASSERT_EQ(psnr.exit_code, 0) << psnr.output;
  EXPECT_NE(psnr.output.find("chose K="), std::string::npos);
  const ToolRun bytes =
      run(kEnc + " " + path("in.ppm") + " -o " + path("b.kmq") + " --max-bytes 1500");
  ASSERT_EQ(bytes.exit_code, 0) << bytes.output;
  EXPECT_LE(fs::file_size(path("b.kmq")), 1500u);
  const ToolRun tiny =
      run(kEnc + " " + path("in.ppm") + " -o " + path("c.kmq") + " --max-bytes 20");
  EXPECT_EQ(tiny.exit_code, 99) << tiny.output;
  EXPECT_NE(tiny.output.find("target not met"), std::string::npos);
  EXPECT_FALSE(fs::exists(path("c.kmq")));

  const ToolRun ssim =
      run(kEnc + " " + path("in.ppm") + " -o " + path("s.kmq") + " --target-ssim 0.95 --json");
  ASSERT_EQ(ssim.exit_code, 0) << ssim.output;
  EXPECT_NE(ssim.output.find("\"ssim\": 0.95"), std::string::npos) << ssim.output;
  const kmq::Image original = kmq::testing::gradient_image(48, 32);
  EXPECT_GE(kmq::ssim(original, kmq::decode(kmq::io::read_file(path("s.kmq")))), 0.95);
  const ToolRun chosen =
      run(kEnc + " " + path("in.ppm") + " -o " + path("s2.kmq") + " --target-ssim 0.95");
  EXPECT_NE(chosen.output.find("(ssim 0.95"), std::string::npos) << chosen.output;
  const ToolRun unreachable =
      run(kEnc + " " + path("in.ppm") + " -o " + path("s3.kmq") + " --target-ssim 0.9999 -k 2");
  EXPECT_EQ(unreachable.exit_code, 99) << unreachable.output;
  EXPECT_FALSE(fs::exists(path("s3.kmq")));
  for (const std::string bad : {"--target-ssim 1", "--target-ssim 0", "--target-ssim x",
                                "--target-ssim 0.9 --sample 1000"}) {
    const ToolRun refused = run(kEnc + " " + path("in.ppm") + " -o " + path("s4.kmq") + " " + bad);
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.output;
    EXPECT_FALSE(fs::exists(path("s4.kmq"))) << bad;
  }
}

TEST_F(Cli, RdLabelsShrinkTheFileAndTargetsSearchTheirLambda) {
  kmq::io::write_file_atomically(
      path("in.ppm"),
      kmq::io::write_pnm(kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE))));
  const std::string in = kEnc + " " + path("in.ppm") + " ";
  ASSERT_EQ(run(in + "-o " + path("near.kmq") + " -k 32").exit_code, 0);
  const ToolRun rated = run(in + "-o " + path("rd.kmq") + " -k 32 --rd 24 --json");
  ASSERT_EQ(rated.exit_code, 0) << rated.output;
  EXPECT_LT(fs::file_size(path("rd.kmq")), fs::file_size(path("near.kmq")));
  EXPECT_NE(rated.output.find("\"rd_lambda\": 24.0000"), std::string::npos) << rated.output;
  EXPECT_NE(rated.output.find("\"expected_label_bits_per_pixel\""), std::string::npos);
  const ToolRun target = run(in + "-o " + path("t.kmq") + " --target-psnr 30");
  ASSERT_EQ(target.exit_code, 0) << target.output;
  EXPECT_NE(target.output.find("and rd lambda "), std::string::npos) << target.output;
  const ToolRun k_only = run(in + "-o " + path("k.kmq") + " --target-psnr 30 --rd 0");
  ASSERT_EQ(k_only.exit_code, 0) << k_only.output;
  EXPECT_EQ(k_only.output.find("rd lambda"), std::string::npos) << k_only.output;
  EXPECT_LT(fs::file_size(path("t.kmq")), fs::file_size(path("k.kmq")));
  ASSERT_EQ(run(in + "-o " + path("fs.kmq") + " -k 16 --dither").exit_code, 0);
  const ToolRun ordered = run(in + "-o " + path("od.kmq") + " -k 16 --ordered -v");
  ASSERT_EQ(ordered.exit_code, 0) << ordered.output;
  EXPECT_NE(ordered.output.find("ordered dithering"), std::string::npos) << ordered.output;
  EXPECT_LT(fs::file_size(path("od.kmq")), fs::file_size(path("fs.kmq")));
  // --tune perceptual is the OKLab palette.
  ASSERT_EQ(run(in + "-o " + path("ok.kmq") + " -k 16 --space oklab").exit_code, 0);
  ASSERT_EQ(run(in + "-o " + path("tp.kmq") + " -k 16 --tune perceptual").exit_code, 0);
  EXPECT_EQ(kmq::io::read_file(path("ok.kmq")), kmq::io::read_file(path("tp.kmq")));
  ASSERT_EQ(run(in + "-o " + path("ts.kmq") + " -k 16 --tune psnr").exit_code, 0);
  ASSERT_EQ(run(in + "-o " + path("k16.kmq") + " -k 16").exit_code, 0);
  EXPECT_EQ(kmq::io::read_file(path("ts.kmq")), kmq::io::read_file(path("k16.kmq")));
  for (const std::string bad :
       {"--rd -1", "--rd x", "--rd 8 --dither", "--rd nan", "--rd 4 --ordered",
        "--ordered --dither=0", "--tune eye", "--tune perceptual --space rgb"}) {
    const ToolRun refused = run(in + "-o " + path("bad.kmq") + " " + bad);
    EXPECT_EQ(refused.exit_code, 2) << bad << ": " << refused.output;
    EXPECT_FALSE(fs::exists(path("bad.kmq"))) << bad;
  }
}

TEST_F(Cli, RemapsToAFixedPaletteFromKmqOrImage) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(40, 30)));
  ASSERT_EQ(run(kEnc + " " + path("in.ppm") + " -o " + path("ref.kmq") + " -k 5").exit_code, 0);
  const auto reference = kmq::decode_indexed(kmq::io::read_file(path("ref.kmq")));
  const auto other = kmq::testing::clustered_image(20, 20, {0, 0, 0, 255, 255, 255}, 10, 3);
  kmq::io::write_file_atomically(path("other.ppm"), kmq::io::write_pnm(other));
  ASSERT_EQ(run(kEnc + " " + path("other.ppm") + " -o " + path("mapped.kmq") + " --palette " +
                path("ref.kmq"))
                .exit_code,
            0);
  EXPECT_EQ(kmq::decode_indexed(kmq::io::read_file(path("mapped.kmq"))).palette, reference.palette);

  kmq::Image swatch(3, 1, 3);
  const std::uint8_t colours[9] = {200, 10, 10, 10, 200, 10, 10, 10, 200};
  std::copy(colours, colours + 9, swatch.data().begin());
  kmq::io::write_file_atomically(path("swatch.png"), kmq::io::write_png(swatch));
  ASSERT_EQ(
      run(kEnc + " " + path("in.ppm") + " -o " + path("s.kmq") + " --palette " + path("swatch.png"))
          .exit_code,
      0);
  const auto mapped = kmq::decode_indexed(kmq::io::read_file(path("s.kmq")));
  EXPECT_EQ(mapped.palette, std::vector<std::uint8_t>(colours, colours + 9));
}

TEST_F(Cli, BatchModeEncodesAFolderInParallelAndContinuesPastBadFiles) {
  fs::create_directories(path("in"));
  for (int i = 0; i < 5; ++i) {
    kmq::io::write_file_atomically(path("in/img" + std::to_string(i) + ".ppm"),
                                   kmq::io::write_pnm(kmq::testing::gradient_image(20 + i, 16)));
  }
  kmq::io::write_file_atomically(path("in/broken.png"), std::vector<std::uint8_t>(40, 1));
  const ToolRun batch = run(kEnc + " " + path("in") + " -d " + path("out") + " -k 8 -j 3 --json");
  EXPECT_EQ(batch.exit_code, 1) << batch.output;  // one file failed
  EXPECT_NE(batch.output.find("kmqenc: error: " + path("in/broken.png")), std::string::npos);
  for (int i = 0; i < 5; ++i) {
    const auto file = kmq::io::read_file(path("out/img" + std::to_string(i) + ".kmq"));
    EXPECT_EQ(kmq::inspect(file).width, 20 + i);
  }
  EXPECT_FALSE(fs::exists(path("out/broken.kmq")));
  // Without -d, each output lands next to its input.
  EXPECT_EQ(run(kEnc + " " + path("in/img0.ppm") + " -k 4").exit_code, 0);
  EXPECT_TRUE(fs::exists(path("in/img0.kmq")));
  fs::remove(path("in/img0.kmq"));
  EXPECT_NE(batch.output.find("\"ok\": false"), std::string::npos);
  EXPECT_NE(batch.output.find("\"psnr\": "), std::string::npos);
  EXPECT_NE(batch.output.find("\"colors\": 8"), std::string::npos);

  // Same outputs whatever the parallelism; existing outputs need --force.
  const auto first = kmq::io::read_file(path("out/img3.kmq"));
  fs::remove(path("in/broken.png"));
  EXPECT_EQ(run(kEnc + " " + path("in") + " -d " + path("out") + " -k 8 -j 1").exit_code, 1);
  const ToolRun again = run(kEnc + " " + path("in") + " -d " + path("out") + " -k 8 -j 1 -f -q");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(again.output.empty()) << again.output;
  EXPECT_EQ(kmq::io::read_file(path("out/img3.kmq")), first);
}

TEST_F(Cli, SharedPaletteGivesEveryFileTheSamePaletteAndEachDecodesAlone) {
  kmq::io::write_file_atomically(path("a.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(30, 20)));
  kmq::io::write_file_atomically(path("b.ppm"), kmq::io::write_pnm(kmq::testing::clustered_image(
                                                    25, 25, {200, 30, 30, 20, 20, 200}, 20, 1)));
  const ToolRun shared = run(kEnc + " " + path("a.ppm") + " " + path("b.ppm") + " -d " + path("o") +
                             " -k 12 --shared-palette");
  ASSERT_EQ(shared.exit_code, 0) << shared.output;
  const auto a = kmq::decode_indexed(kmq::io::read_file(path("o/a.kmq")));
  const auto b = kmq::decode_indexed(kmq::io::read_file(path("o/b.kmq")));
  EXPECT_EQ(a.palette, b.palette);
  EXPECT_EQ(a.palette_size(), 12);
  EXPECT_EQ(kmq::decode(kmq::io::read_file(path("o/b.kmq"))).width(), 25);
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST_F(Cli, CompareReportsEveryKAsTableCsvAndJson) {
  // Six colours: K >= 6 is lossless, so PSNR is infinite, SSIM 1, and no JPEG quality reaches it.
  kmq::io::write_file_atomically(path("six.png"),
                                 kmq::io::write_png(kmq::testing::image_with_colors(48, 32, 6)));
  kmq::io::write_file_atomically(path("grad.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(40, 30)));
  const ToolRun table = run(kCompare + " " + path("six.png") + " " + path("grad.ppm") +
                            " -k 2,16,4 --csv " + path("r.csv") + " --json " + path("r.json"));
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("six.png: 48x32 RGB"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("grad.ppm: 40x30 RGB"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("kmq bytes"), std::string::npos);

  const auto csv_bytes = kmq::io::read_file(path("r.csv"));
  const std::string csv(csv_bytes.begin(), csv_bytes.end());
  EXPECT_EQ(count_lines(csv), 1u + 2 * 3) << csv;  // header, then 2 images x 3 K
  EXPECT_EQ(csv.rfind("image,width,height,channels,original_bytes,k,", 0), 0u);
  // K is reported in the order given; K = 16 finds the six colours exactly.
  const std::size_t k16 = csv.find("six.png,48,32,3,");
  ASSERT_NE(k16, std::string::npos);
  const std::size_t second_row = csv.find('\n', k16) + 1;
  const std::string row = csv.substr(second_row, csv.find('\n', second_row) - second_row);
  EXPECT_NE(row.find(",16,6,"), std::string::npos) << row;
  EXPECT_NE(row.find(",false,inf,1.00000,"), std::string::npos) << row;

  const auto json_bytes = kmq::io::read_file(path("r.json"));
  const std::string json(json_bytes.begin(), json_bytes.end());
  EXPECT_NE(json.find("\"tool\": \"kmqcompare\""), std::string::npos);
  EXPECT_NE(json.find("\"k\": 16, \"palette_size\": 6,"), std::string::npos) << json;
  EXPECT_NE(json.find("\"psnr\": null"), std::string::npos);  // infinite is null in JSON
  EXPECT_EQ(std::count(json.begin(), json.end(), '{'), std::count(json.begin(), json.end(), '}'));
}

TEST_F(Cli, CompareStudiesRdLabelsBesideTheNearestOnes) {
  kmq::io::write_file_atomically(
      path("in.ppm"),
      kmq::io::write_pnm(kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE))));
  const ToolRun study =
      run(kCompare + " " + path("in.ppm") + " -k 16,64 --rd 32 --csv " + path("r.csv") +
          " --json " + path("r.json") + " --html " + path("r.html") + " --html-pictures png");
  ASSERT_EQ(study.exit_code, 0) << study.output;
  EXPECT_NE(study.output.find("RD bytes"), std::string::npos) << study.output;
  const auto csv_bytes = kmq::io::read_file(path("r.csv"));
  const std::string csv(csv_bytes.begin(), csv_bytes.end());
  EXPECT_NE(csv.find(",decode_ms,rd_kmq_bytes,rd_psnr,rd_ssim\n"), std::string::npos) << csv;
  const auto json_bytes = kmq::io::read_file(path("r.json"));
  const std::string json(json_bytes.begin(), json_bytes.end());
  EXPECT_NE(json.find("\"rd_lambda\": 32}"), std::string::npos) << json;
  // Each K's RD file is smaller than its nearest-label file, at a PSNR no higher.
  std::size_t at = 0, rows = 0;
  while ((at = json.find("\"kmq_bytes\": ", at)) != std::string::npos) {
    const std::size_t nearest = std::stoul(json.substr(at + 13));
    const std::size_t rd_at = json.find("\"rd_kmq_bytes\": ", at);
    ASSERT_NE(rd_at, std::string::npos);
    const std::size_t rated = std::stoul(json.substr(rd_at + 16));
    EXPECT_LT(rated, nearest);
    at = rd_at + 1;
    ++rows;
  }
  EXPECT_EQ(rows, 2u);
  const auto html_bytes = kmq::io::read_file(path("r.html"));
  const std::string html(html_bytes.begin(), html_bytes.end());
  for (const std::string id : {"curve-psnr-plot", "curve-ssim-plot", "curve-legend"})
    EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  EXPECT_NE(html.find("\"rd_lambda\":32"), std::string::npos);
  EXPECT_NE(html.find("\"rd_kmq_bytes\":"), std::string::npos);
  EXPECT_EQ(run(kCompare + " " + path("in.ppm") + " -k 16 --rd 8 --dither").exit_code, 2);
  EXPECT_EQ(run(kCompare + " " + path("in.ppm") + " -k 16 --rd -3").exit_code, 2);
}

TEST_F(Cli, CompareWritesASelfContainedHtmlReport) {
  kmq::io::write_file_atomically(path("g.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(64, 40)));
  const ToolRun report =
      run(kCompare + " " + path("g.ppm") + " -k 4,8 -q --html " + path("r.html"));
  ASSERT_EQ(report.exit_code, 0) << report.output;
  EXPECT_EQ(report.output, "");  // --quiet
  const auto bytes = kmq::io::read_file(path("r.html"));
  const std::string html(bytes.begin(), bytes.end());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (const std::string id : {"k-slider", "image-select", "reconstruction-view", "palette",
                               "scatter", "bytes-plot", "psnr-plot"}) {
    EXPECT_NE(html.find("id=\"" + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
  // Nothing is fetched: no external scripts, styles, fonts or pictures.
  for (const std::string link : {"src=\"http", "href=\"http", "url(http", "@import"})
    EXPECT_EQ(html.find(link), std::string::npos) << link;
}

TEST_F(Cli, CompareReportHoldsTheKmqFilesOrPngPictures) {
  kmq::io::write_file_atomically(path("g.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(64, 40)));
  const std::string base = kCompare + " " + path("g.ppm") + " -k 4,8 -q --html ";
  ASSERT_EQ(run(base + path("png.html") + " --html-pictures png").exit_code, 0);
  const auto png_bytes = kmq::io::read_file(path("png.html"));
  const std::string png(png_bytes.begin(), png_bytes.end());
  EXPECT_EQ(png.find("\"kmq\":\""), std::string::npos);
  EXPECT_EQ(png.find("var KmqDecoder"), std::string::npos);  // no decoder where no file needs it
  EXPECT_NE(png.find("\"crop\":\"data:image/png;base64,"), std::string::npos);
  EXPECT_EQ(run(base + path("x.html") + " --html-pictures gif").exit_code, 2);
  const ToolRun embedded = run(base + path("kmq.html") + " --html-pictures kmq");
  if (!kmq::compare::report_embeds_decoder()) {
    EXPECT_EQ(embedded.exit_code, 2);  // built without web/'s decoder
    EXPECT_NE(embedded.output.find("without the web decoder"), std::string::npos);
    return;
  }
  ASSERT_EQ(embedded.exit_code, 0) << embedded.output;
  const auto kmq_bytes = kmq::io::read_file(path("kmq.html"));
  const std::string page(kmq_bytes.begin(), kmq_bytes.end());
  EXPECT_NE(page.find("var KmqDecoder"), std::string::npos);
  // Every K's .kmq file, base64: the file's signature 8B 4B 4D 51 begins "i0tNU".
  std::size_t files = 0;
  for (std::size_t at = page.find("\"kmq\":\"i0tNU"); at != std::string::npos;
       at = page.find("\"kmq\":\"i0tNU", at + 1))
    ++files;
  EXPECT_EQ(files, 2u);
  // The decoder cannot end its <script> element early.
  const std::size_t decoder = page.find("var KmqDecoder");
  EXPECT_EQ(page.find("</script", decoder), page.find("</script>\n<script>", decoder));
}

TEST_F(Cli, CompareRejectsBadListsAndNeverOverwritesTheInput) {
  kmq::io::write_file_atomically(path("in.ppm"),
                                 kmq::io::write_pnm(kmq::testing::gradient_image(8, 8)));
  const auto original = kmq::io::read_file(path("in.ppm"));
  for (const std::string colors : {"0", "2,x", "70000", "", "4,,8"}) {
    const ToolRun bad = run(kCompare + " " + path("in.ppm") + " -k '" + colors + "'");
    EXPECT_EQ(bad.exit_code, 2) << colors;
    EXPECT_NE(bad.output.find("kmqcompare: error:"), std::string::npos) << bad.output;
  }
  EXPECT_EQ(
      run(kCompare + " " + path("in.ppm") + " -k 2 --csv " + path("in.ppm") + " -f").exit_code, 2);
  EXPECT_EQ(kmq::io::read_file(path("in.ppm")), original);
  EXPECT_EQ(run(kCompare + " " + path("in.ppm") + " -k 2 --csv - --json -").exit_code, 2);
  ASSERT_EQ(run(kCompare + " " + path("in.ppm") + " -k 2 --csv " + path("r.csv")).exit_code, 0);
  const ToolRun again = run(kCompare + " " + path("in.ppm") + " -k 2 --csv " + path("r.csv"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("--force"), std::string::npos) << again.output;
  const ToolRun missing = run(kCompare + " " + path("absent.png") + " -k 2");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("absent.png"), std::string::npos) << missing.output;
}

TEST_F(Cli, EveryOptionInHelpIsDocumentedInTheReadmeAndTheManPage) {
  for (const std::string tool : {"kmqenc", "kmqdec", "kmqinfo", "kmqcompare"}) {
    const std::string binary = tool == "kmqenc"    ? kEnc
                               : tool == "kmqdec"  ? kDec
                               : tool == "kmqinfo" ? kInfo
                                                   : kCompare;
    const ToolRun help = run(binary + " --help");
    const auto readme = kmq::io::read_file(KMQ_SOURCE_DIR "/README.md");
    const auto man = kmq::io::read_file(KMQ_SOURCE_DIR "/man/" + tool + ".1");
    const std::string readme_text(readme.begin(), readme.end());
    std::string man_text(man.begin(), man.end());
    // Man pages escape dashes as \-.
    for (std::size_t at; (at = man_text.find("\\-")) != std::string::npos;) man_text.erase(at, 1);
    std::size_t position = 0;
    int options = 0;
    while ((position = help.output.find("--", position)) != std::string::npos) {
      std::size_t end = position + 2;
      while (
          end < help.output.size() &&
          (std::isalnum(static_cast<unsigned char>(help.output[end])) || help.output[end] == '-')) {
        ++end;
      }
      const std::string option = help.output.substr(position, end - position);
      position = end;
      if (option.size() <= 2 || option == "--help" || option == "--version") continue;
      ++options;
      EXPECT_NE(readme_text.find(option), std::string::npos)
          << tool << " " << option << " not in README";
      EXPECT_NE(man_text.find(option), std::string::npos)
          << tool << " " << option << " not in man page";
    }
    if (tool != "kmqinfo") EXPECT_GT(options, 3) << tool;
    // The README shows the help's option lines exactly as the tool prints them.
    const std::size_t first_group = help.output.find("\n\n");
    std::size_t line_start = help.output.find('\n', first_group + 2) + 1;
    while (line_start < help.output.size()) {
      const std::size_t line_end = help.output.find('\n', line_start);
      const std::string line = help.output.substr(line_start, line_end - line_start);
      if (line.rfind("  ", 0) == 0) {
        EXPECT_NE(readme_text.find(line), std::string::npos)
            << tool << " help line not in README:\n"
            << line;
      }
      if (line_end == std::string::npos) break;
      line_start = line_end + 1;
    }
  }
}

}  // namespace
