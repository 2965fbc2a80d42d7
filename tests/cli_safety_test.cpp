// SPDX-License-Identifier: MIT
// The tools never lose or mangle data: batch outputs that would collide, devices and FIFOs,
// signals, bad inputs in a study, shared palettes with targets, metadata, names that agree with
// formats, options that bind as GNU tools bind, plain messages, --skip-if-larger.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <chrono>
#include <filesystem>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <string>
#include <thread>
#include <vector>

#include "scratch_folder.hpp"
#include "test_images.hpp"
#include "tool_runner.hpp"

namespace {

namespace fs = std::filesystem;
using kmq::testing::run;
using kmq::testing::run_on_terminal;
using kmq::testing::ToolRun;

const std::string kEnc = KMQENC_PATH;
const std::string kDec = KMQDEC_PATH;
const std::string kInfo = KMQINFO_PATH;
const std::string kCompare = KMQCOMPARE_PATH;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CliSafety : public kmq::testing::ScratchFolderTest {
 protected:
  // A small PPM at `name` (folders made as needed).
  std::string ppm(const std::string& name, int width = 24, int height = 16) {
    fs::create_directories(fs::path(path(name)).parent_path());
    kmq::io::write_file_atomically(path(name),
                                   kmq::io::write_pnm(kmq::testing::gradient_image(width, height)));
    return path(name);
  }
  std::size_t files_in(const std::string& folder) {
    std::size_t count = 0;
    if (!fs::exists(folder)) return 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++count;
    return count;
  }
  std::string read_text(const std::string& file) {
    const auto bytes = kmq::io::read_file(file);
    return std::string(bytes.begin(), bytes.end());
  }
};

// 1. Two inputs that would write one output are refused before any work, whatever -j.
TEST_F(CliSafety, BatchOutputsThatCollideAreRefusedBeforeAnyWork) {
  const std::string a = ppm("a/x.ppm"), b = ppm("b/x.ppm", 30, 20);
  for (const std::string jobs : {"1", "2"}) {
    const ToolRun r =
        run(kEnc + " " + a + " " + b + " -d " + path("out") + " -k 8 --json -j " + jobs);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(contains(r.output, a) && contains(r.output, b)) << r.output;
    EXPECT_FALSE(contains(r.output, "\"ok\": true")) << r.output;
    EXPECT_EQ(files_in(path("out")), 0u);
  }
  // A folder holding rk.ppm and rk.png.
  ppm("folder/rk.ppm");
  kmq::io::write_file_atomically(path("folder/rk.png"),
                                 kmq::io::write_png(kmq::testing::gradient_image(8, 8)));
  const ToolRun folder = run(kEnc + " " + path("folder") + " -k 4");
  EXPECT_EQ(folder.exit_code, 2) << folder.output;
  EXPECT_TRUE(contains(folder.output, "rk.png") && contains(folder.output, "rk.ppm"));
  EXPECT_FALSE(fs::exists(path("folder/rk.kmq")));
  // An output that is another input is refused too, even with --force.
  ASSERT_EQ(run(kEnc + " " + path("folder/rk.ppm") + " -o " + path("y.kmq")).exit_code, 0);
  const std::string y = ppm("y.ppm");
  const auto before = kmq::io::read_file(path("y.kmq"));
  const ToolRun clash = run(kEnc + " " + y + " " + path("y.kmq") + " -f -k 4");
  EXPECT_EQ(clash.exit_code, 2) << clash.output;
  EXPECT_EQ(kmq::io::read_file(path("y.kmq")), before);
  // kmqdec plans its outputs by the same rule.
  fs::create_directories(path("k1"));
  fs::create_directories(path("k2"));
  fs::copy_file(path("y.kmq"), path("k1/z.kmq"));
  fs::copy_file(path("y.kmq"), path("k2/z.kmq"));
  const ToolRun dec =
      run(kDec + " " + path("k1/z.kmq") + " " + path("k2/z.kmq") + " -d " + path("dout"));
  EXPECT_EQ(dec.exit_code, 2) << dec.output;
  EXPECT_EQ(files_in(path("dout")), 0u);
}

// 2. Devices and FIFOs are written into, never replaced, and need no --force.
TEST_F(CliSafety, DevicesAndFifosAreWrittenIntoNeverReplaced) {
  const std::string in = ppm("in.ppm");
  // A device node of our own (the null device's numbers) when allowed, else /dev/null itself.
  std::string device = path("null-device");
  if (::mknod(device.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) device = "/dev/null";
  for (const std::string force : {"", " -f"}) {
    const ToolRun enc = run(kEnc + " " + in + " -o " + device + " -k 4 --format kmq" + force);
    EXPECT_EQ(enc.exit_code, 0) << enc.output;
    struct stat status {};
    ASSERT_EQ(::stat(device.c_str(), &status), 0);
    EXPECT_TRUE(S_ISCHR(status.st_mode)) << device << " was replaced";
  }
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("in.kmq") + " -k 4").exit_code, 0);
  const ToolRun dec = run(kDec + " " + path("in.kmq") + " -o " + device + " --format png -f");
  EXPECT_EQ(dec.exit_code, 0) << dec.output;
  struct stat status {};
  ASSERT_EQ(::stat(device.c_str(), &status), 0);
  EXPECT_TRUE(S_ISCHR(status.st_mode));

  // A FIFO: the reader gets the whole file, and the FIFO stays one.
  const std::string fifo = path("pipe.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0666), 0);
  kmq::testing::BackgroundRun reader("timeout 20 cat " + fifo + " > " + path("received.kmq"));
  const ToolRun to_fifo = run(kEnc + " " + in + " -o " + fifo + " -k 4 --format kmq -f");
  EXPECT_EQ(to_fifo.exit_code, 0) << to_fifo.output;
  EXPECT_EQ(reader.wait(), 0);
  EXPECT_EQ(kmq::io::read_file(path("received.kmq")), kmq::io::read_file(path("in.kmq")));
  ASSERT_EQ(::stat(fifo.c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode));
}

// A .kmq whose PPM is about 50 MB, so that writing it takes long enough to be interrupted.
std::string large_kmq(const std::string& file) {
  kmq::IndexedImage indexed;
  indexed.width = 4096;
  indexed.height = 4096;
  indexed.channels = 3;
  for (int i = 0; i < 16; ++i) {
    for (int c = 0; c < 3; ++c) indexed.palette.push_back(static_cast<std::uint8_t>(i * 16 + c));
  }
  indexed.indices.resize(static_cast<std::size_t>(indexed.width) * indexed.height);
  for (std::size_t i = 0; i < indexed.indices.size(); ++i)
    indexed.indices[i] = static_cast<std::uint16_t>((i / 7 + i / 4096) % 16);
  kmq::EncodeOptions options;
  options.effort = 1;
  kmq::io::write_file_atomically(file, kmq::encode_indexed(indexed, options));
  return file;
}

// 3. A signal during a write removes the temporary file; the exit status is 128 + signal.
TEST_F(CliSafety, SignalsRemoveTemporaryFilesAndExitWith128PlusTheSignal) {
  const std::string input = large_kmq(path("big.kmq"));
  fs::create_directories(path("out"));
  for (const int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    bool interrupted_a_write = false;
    for (int attempt = 0; attempt < 6 && !interrupted_a_write; ++attempt) {
      kmq::testing::BackgroundRun decoding(kDec + " " + input + " -o " + path("out/d.ppm") +
                                           " -f -j 1");
      ASSERT_TRUE(decoding.started());
      // Wait for the temporary file to appear, then signal.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
      bool seen = false;
      while (!seen && decoding.running() && std::chrono::steady_clock::now() < deadline) {
        for (const auto& entry : fs::directory_iterator(path("out"))) {
          if (contains(entry.path().filename().string(), ".tmp")) seen = true;
        }
        if (!seen) std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      if (!seen) {
        decoding.wait();
        fs::remove(path("out/d.ppm"));
        continue;  // finished before it could be caught: try again
      }
      decoding.signal(signal_number);
      const int code = decoding.wait();
      if (code == 0) {  // the write completed just before the signal
        fs::remove(path("out/d.ppm"));
        continue;
      }
      interrupted_a_write = true;
      EXPECT_EQ(code, 128 + signal_number);
      EXPECT_EQ(files_in(path("out")), 0u) << "signal " << signal_number << " left a file";
    }
    EXPECT_TRUE(interrupted_a_write) << "never caught a write under way, signal " << signal_number;
  }
  // kmqenc too: stopped while it works, it exits 128 + signal and leaves nothing.
  kmq::testing::BackgroundRun encoding(kEnc + " " + input + " -o " + path("out/e.kmq") +
                                       " -k 256 -e 6");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  encoding.signal(SIGTERM);
  EXPECT_EQ(encoding.wait(), 128 + SIGTERM);
  EXPECT_EQ(files_in(path("out")), 0u);
}

// After a signal, the progress bar's line is ended, so the shell prompt starts on a line of its
// own.
TEST_F(CliSafety, ASignalEndsTheProgressBarsLine) {
  for (int i = 0; i < 4; ++i) ppm("in/p" + std::to_string(i) + ".ppm", 900, 700);
  const std::string transcript = path("terminal.txt");
  // script gives kmqenc a terminal for standard error; "exec" makes kmqenc its child.
  kmq::testing::BackgroundRun session("script -qfec 'exec " + kEnc + " " + path("in") + " -d " +
                                      path("out") + " -k 256 -e 6 -j 1' " + transcript);
  ASSERT_TRUE(session.started());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string shown;
  while (!contains(shown, " files") && session.running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (fs::exists(transcript)) shown = read_text(transcript);
  }
  ASSERT_TRUE(contains(shown, " files")) << "no progress bar: " << shown;
  const ToolRun child = run("pgrep -P " + std::to_string(session.pid()));
  ASSERT_EQ(child.exit_code, 0) << "kmqenc had already finished";
  run("kill -INT " + child.output);
  session.wait();
  shown = read_text(transcript);
  EXPECT_TRUE(contains(shown, "COMMAND_EXIT_CODE=\"130\"")) << shown;
  // The terminal turns the newline into "\r\n"; script adds a line of its own before its
  // closing note, so an ended line leaves an empty one there.
  const std::size_t note = shown.rfind("Script done");
  ASSERT_NE(note, std::string::npos) << shown;
  const std::string before_note = shown.substr(0, note);
  EXPECT_TRUE(before_note.ends_with(" files\r\n\n") || before_note.ends_with(" files\r\n\r\n"))
      << "the bar's line was left open: " << before_note.substr(before_note.size() - 20);
}

// 4. A bad input is skipped; the study of the rest is written.
TEST_F(CliSafety, CompareSkipsABadInputAndWritesTheReportsOfTheRest) {
  const std::string a = ppm("a.ppm"), b = ppm("b.ppm", 20, 12);
  kmq::io::write_file_atomically(path("notes.md"), std::vector<std::uint8_t>{'#', ' ', 'x', '\n'});
  const ToolRun r = run(kCompare + " " + a + " " + path("notes.md") + " " + b + " -k 2,4 --csv " +
                        path("c.csv") + " -q");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "notes.md")) << r.output;
  EXPECT_FALSE(contains(r.output, "unsupported: notes.md: unsupported")) << r.output;
  const std::string csv = read_text(path("c.csv"));
  EXPECT_TRUE(contains(csv, "a.ppm") && contains(csv, "b.ppm")) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 2 * 2);
}

// 5. A shared palette with a target: the K at which every file meets it, all files written.
TEST_F(CliSafety, SharedPaletteWithATargetMeetsItOnEveryFile) {
  // A large smooth image and a small one of saturated colours: the pixels of the first outweigh
  // the second's, so a K chosen on all pixels together leaves the small one far below target.
  const std::string big = ppm("big.ppm", 160, 120);
  kmq::io::write_file_atomically(
      path("small.ppm"),
      kmq::io::write_pnm(kmq::testing::clustered_image(
          12, 12, {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0, 0, 255, 255, 255, 0, 255}, 2, 5)));
  const std::string mid = ppm("mid.ppm", 40, 30);
  const ToolRun r = run(kEnc + " " + big + " " + path("small.ppm") + " " + mid + " -d " +
                        path("o") + " --shared-palette --target-psnr 32");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string name : {"big", "small", "mid"}) {
    const auto original = kmq::io::read_image(kmq::io::read_file(path(name + ".ppm")));
    const auto decoded = kmq::decode(kmq::io::read_file(path("o/" + name + ".kmq")));
    EXPECT_GE(kmq::psnr(original, decoded), 32.0) << name;
  }
  // Unreachable with -k 2: nothing written, exit 99, and the message names the file that fails.
  const ToolRun capped = run(kEnc + " " + big + " " + path("small.ppm") + " -d " + path("p") +
                             " --shared-palette --target-psnr 32 -k 2");
  EXPECT_EQ(capped.exit_code, 99) << capped.output;
  EXPECT_TRUE(contains(capped.output, ".ppm' reaches")) << capped.output;
  EXPECT_EQ(files_in(path("p")), 0u);
}

// 6. Metadata travels from PNG and JPEG into .kmq and back; --strip drops it.
TEST_F(CliSafety, MetadataTravelsThroughKmqAndBackUnlessStripped) {
  kmq::Image image = kmq::testing::gradient_image(20, 14);
  image.metadata().text = {{"Copyright", "", "", "CC BY-SA 4.0"}, {"Author", "", "", "A. Person"}};
  image.metadata().density = kmq::PixelDensity{3780, 3780, 1};
  image.metadata().gamma = 45455;
  kmq::io::write_file_atomically(path("icon.png"), kmq::io::write_png(image));
  ASSERT_EQ(run(kEnc + " " + path("icon.png") + " -o " + path("icon.kmq") + " -k 8").exit_code, 0);
  EXPECT_EQ(kmq::decode(kmq::io::read_file(path("icon.kmq"))).metadata(), image.metadata());
  const ToolRun info = run(kInfo + " " + path("icon.kmq"));
  EXPECT_TRUE(contains(info.output, "Copyright: CC BY-SA 4.0")) << info.output;
  EXPECT_TRUE(contains(info.output, "density")) << info.output;
  ASSERT_EQ(run(kDec + " " + path("icon.kmq") + " -o " + path("back.png")).exit_code, 0);
  EXPECT_EQ(kmq::io::read_image(kmq::io::read_file(path("back.png"))).metadata(), image.metadata());
  // The sample JPEG's ICC profile and comment reach a .kmq, a JPEG and an indexed PNG.
  ASSERT_EQ(run(kEnc + " " KMQ_SAMPLE_IMAGE " -o " + path("r.kmq") + " -k 8").exit_code, 0);
  const kmq::Metadata photo = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE)).metadata();
  ASSERT_FALSE(photo.icc_profile.empty());
  ASSERT_EQ(run(kDec + " " + path("r.kmq") + " -o " + path("r.jpg")).exit_code, 0);
  EXPECT_EQ(kmq::io::read_image(kmq::io::read_file(path("r.jpg"))).metadata().icc_profile,
            photo.icc_profile);
  ASSERT_EQ(run(kEnc + " " KMQ_SAMPLE_IMAGE " -o " + path("r.png") + " -k 8").exit_code, 0);
  EXPECT_EQ(kmq::io::read_image(kmq::io::read_file(path("r.png"))).metadata(), photo);
  // --strip, on either side.
  ASSERT_EQ(run(kEnc + " " + path("icon.png") + " -o " + path("s.kmq") + " -k 8 --strip").exit_code,
            0);
  EXPECT_TRUE(kmq::inspect(kmq::io::read_file(path("s.kmq"))).metadata.empty());
  ASSERT_EQ(run(kDec + " " + path("icon.kmq") + " -o " + path("s.png") + " --strip").exit_code, 0);
  EXPECT_TRUE(kmq::io::read_image(kmq::io::read_file(path("s.png"))).metadata().empty());
  // A format that cannot hold it says what is lost.
  const ToolRun ppm_out = run(kDec + " " + path("icon.kmq") + " -o " + path("x.ppm"));
  EXPECT_EQ(ppm_out.exit_code, 0);
  EXPECT_TRUE(contains(ppm_out.output, "warning") && contains(ppm_out.output, "text 'Copyright'"))
      << ppm_out.output;
}

// 7. Names and formats agree.
TEST_F(CliSafety, OutputFormatsFollowTheirNames) {
  const std::string in = ppm("in.ppm", 32, 20);
  // -o NAME.png writes an indexed PNG of the quantized pixels.
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("q.png") + " -k 8").exit_code, 0);
  const auto png = kmq::io::read_file(path("q.png"));
  EXPECT_EQ(kmq::io::sniff_format(png), kmq::io::FileFormat::png);
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("q.kmq") + " -k 8").exit_code, 0);
  EXPECT_TRUE(kmq::testing::same_pixels(kmq::io::read_image(png),
                                        kmq::decode(kmq::io::read_file(path("q.kmq")))));
  EXPECT_EQ(png[25], 3) << "colour type: palette";
  // Any other name needs --format; a --format that disagrees with the name is refused.
  EXPECT_EQ(run(kEnc + " " + in + " -o " + path("q.bin")).exit_code, 2);
  EXPECT_EQ(run(kEnc + " " + in + " -o " + path("q.bin") + " --format kmq").exit_code, 0);
  EXPECT_EQ(kmq::io::sniff_format(kmq::io::read_file(path("q.bin"))), kmq::io::FileFormat::kmq);
  EXPECT_EQ(run(kEnc + " " + in + " -o " + path("z.png") + " --format kmq").exit_code, 2);
  EXPECT_EQ(run(kDec + " " + path("q.kmq") + " --format png -o " + path("x.jpg")).exit_code, 2);
  EXPECT_FALSE(fs::exists(path("z.png")) || fs::exists(path("x.jpg")));
  // A batch with --format png: NAME-kmq.png, never over the input.
  ASSERT_EQ(run(kEnc + " " + in + " --format png -k 4").exit_code, 0);
  EXPECT_TRUE(fs::exists(path("in-kmq.png")));
  // RGBA into a .ppm: RGB P6 with a warning, so that any PPM reader opens it.
  kmq::io::write_file_atomically(path("rgba.png"),
                                 kmq::io::write_png(kmq::testing::half_transparent_image(16, 8)));
  ASSERT_EQ(run(kEnc + " " + path("rgba.png") + " -o " + path("rgba.kmq") + " -k 8").exit_code, 0);
  const ToolRun to_ppm = run(kDec + " " + path("rgba.kmq") + " -o " + path("rgba.ppm"));
  EXPECT_EQ(to_ppm.exit_code, 0);
  EXPECT_TRUE(contains(to_ppm.output, "alpha")) << to_ppm.output;
  const auto ppm_bytes = kmq::io::read_file(path("rgba.ppm"));
  EXPECT_EQ(std::string(ppm_bytes.begin(), ppm_bytes.begin() + 2), "P6");
  EXPECT_EQ(kmq::io::read_image(ppm_bytes).channels(), 3);
}

// 8. Options bind as GNU tools bind them and mean the same in every tool.
TEST_F(CliSafety, OptionsBindAndMeanTheSameEverywhere) {
  const std::string in = ppm("photo.ppm", 32, 20);
  // An optional value binds only with '=': the next argument is an input.
  const ToolRun dither = run(kEnc + " --dither " + in + " -o " + path("d.kmq") + " -k 4 -v");
  EXPECT_EQ(dither.exit_code, 0) << dither.output;
  EXPECT_TRUE(contains(dither.output, "dithered")) << dither.output;
  EXPECT_EQ(run(kCompare + " --dither " + in + " -k 2 -q").exit_code, 0);
  // -q is quiet and -v verbose in every tool; kmqdec's JPEG quality is --quality.
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("p.kmq") + " -k 4").exit_code, 0);
  const ToolRun quiet =
      run(kDec + " -q " + path("p.kmq") + " -o " + path("p.jpg") + " --quality 50");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, "");
  const ToolRun verbose = run(kDec + " -v " + path("p.kmq") + " -o " + path("p2.png"));
  EXPECT_TRUE(contains(verbose.output, "K=4")) << verbose.output;
  EXPECT_EQ(run(kInfo + " -q " + path("p.kmq")).output, "");
  // kmqdec writes next to its input without -o, and decodes several files into a folder.
  ASSERT_EQ(run(kDec + " " + path("p.kmq")).exit_code, 0);
  EXPECT_TRUE(fs::exists(path("p.png")));
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("dir/q.kmq") + " -k 4").exit_code, 1)
      << "no such folder";
  fs::create_directories(path("kmqs"));
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("kmqs/a.kmq") + " -k 4").exit_code, 0);
  ASSERT_EQ(run(kEnc + " " + in + " -o " + path("kmqs/b.kmq") + " -k 6").exit_code, 0);
  const ToolRun batch = run(kDec + " " + path("kmqs") + " -d " + path("pngs") + " --format pam");
  EXPECT_EQ(batch.exit_code, 0) << batch.output;
  EXPECT_TRUE(fs::exists(path("pngs/a.pam")) && fs::exists(path("pngs/b.pam")));
  // kmqinfo takes several files and --json; one bad file makes it exit 1.
  kmq::io::write_file_atomically(path("bad.kmq"), std::vector<std::uint8_t>(30, 9));
  const ToolRun info = run(kInfo + " --json " + path("kmqs/a.kmq") + " " + path("bad.kmq") + " " +
                           path("kmqs/b.kmq"));
  EXPECT_EQ(info.exit_code, 1);
  EXPECT_TRUE(contains(info.output, "\"palette_size\": 4") &&
              contains(info.output, "\"palette_size\": 6"))
      << info.output;
  EXPECT_TRUE(contains(info.output, "\"ok\": false")) << info.output;
  // -k with a target is the largest K; with --palette it is an error.
  const ToolRun capped = run(kEnc + " " + in + " -o " + path("t.kmq") + " -k 3 --target-psnr 60");
  EXPECT_EQ(capped.exit_code, 99) << capped.output;
  EXPECT_TRUE(contains(capped.output, "K <= 3")) << capped.output;
  EXPECT_EQ(
      run(kEnc + " " + in + " -o " + path("u.kmq") + " -k 3 --palette " + path("p.kmq")).exit_code,
      2);
  // '-' reads standard input and writes standard output when it is not a terminal.
  const ToolRun piped = run(kEnc + " - -k 4 < " + in + " > " + path("piped.kmq"));
  EXPECT_EQ(piped.exit_code, 0) << piped.output;
  EXPECT_EQ(kmq::inspect(kmq::io::read_file(path("piped.kmq"))).palette_size, 4);
  // Binary is never read from or written to a terminal.
  const ToolRun console_in = run_on_terminal(kEnc + " - -o " + path("c.kmq"));
  EXPECT_EQ(console_in.exit_code, 2) << console_in.output;
  EXPECT_TRUE(contains(console_in.output, "standard input is a console")) << console_in.output;
  const ToolRun console_out = run_on_terminal(kEnc + " " + in + " -o - -k 4");
  EXPECT_EQ(console_out.exit_code, 2) << console_out.output;
  EXPECT_TRUE(contains(console_out.output, "standard output is a console")) << console_out.output;
  // An existing output is a failed file (1), in a batch as for one file.
  const ToolRun exists = run(kEnc + " " + in + " " + ppm("other.ppm") + " -k 4");
  ASSERT_EQ(exists.exit_code, 0) << exists.output;
  EXPECT_EQ(run(kEnc + " " + in + " " + path("other.ppm") + " -k 4").exit_code, 1);
}

// 9. Help in the tools' layout, plain messages, man pages that troff reads without a warning.
TEST_F(CliSafety, HelpAndMessagesSpeakTheUsersWords) {
  for (const std::string& tool : {kEnc, kDec, kInfo, kCompare}) {
    const ToolRun help = run(tool + " --help");
    EXPECT_FALSE(contains(help.output, "[ --")) << tool;  // Boost's layout
    EXPECT_FALSE(contains(help.output, "arg (=")) << tool;
    EXPECT_TRUE(contains(help.output, "  -h, --help")) << tool;
    const ToolRun none = run(tool);
    EXPECT_EQ(none.exit_code, 2);
    EXPECT_FALSE(contains(none.output, "--input") || contains(none.output, "'--image'") ||
                 contains(none.output, "operand"))
        << none.output;
    EXPECT_TRUE(contains(none.output, "no input file") || contains(none.output, "no image file"))
        << none.output;
  }
  const std::string in = ppm("in.ppm");
  const ToolRun sample =
      run(kEnc + " " + in + " -o " + path("s.kmq") + " --sample 100 --target-psnr 30");
  EXPECT_EQ(sample.exit_code, 2);
  EXPECT_TRUE(contains(sample.output, "--sample")) << sample.output;
  EXPECT_FALSE(contains(sample.output, "sample_pixels")) << sample.output;
  const ToolRun range = run(kEnc + " " + in + " -o " + path("s.kmq") + " --max-iterations 0");
  EXPECT_TRUE(contains(range.output, "--max-iterations")) << range.output;
  // A file where a folder is wanted: a plain message, not a raw filesystem error.
  kmq::io::write_file_atomically(path("file"), std::vector<std::uint8_t>{1});
  const ToolRun folder = run(kEnc + " " + in + " " + ppm("in2.ppm") + " -d " + path("file/sub"));
  EXPECT_EQ(folder.exit_code, 1);
  EXPECT_FALSE(contains(folder.output, "filesystem error")) << folder.output;
  EXPECT_TRUE(contains(folder.output, "cannot create the output folder")) << folder.output;
  // No doubled category.
  const ToolRun unsupported = run(kEnc + " " + path("file") + " -o " + path("f.kmq"));
  EXPECT_EQ(unsupported.exit_code, 1);
  EXPECT_EQ(std::count(unsupported.output.begin(), unsupported.output.end(), ':'), 4)
      << unsupported.output;  // kmqenc: error: FILE: unsupported: what
  // Man pages: no troff warning (a line starting with '.kmq' is a macro call to troff).
  for (const std::string page : {"kmqenc", "kmqdec", "kmqinfo", "kmqcompare"}) {
    const ToolRun troff = run("groff -ww -z -man " KMQ_SOURCE_DIR "/man/" + page + ".1");
    EXPECT_EQ(troff.exit_code, 0) << page;
    EXPECT_EQ(troff.output, "") << page;
  }
}

// 10. --skip-if-larger writes nothing and exits 98; on a terminal a larger file is noted.
TEST_F(CliSafety, SkipIfLargerKeepsFilesThatWouldGrowFromBeingWritten) {
  // A small JPEG of noise grows at K = 256: the palette alone is 768 bytes.
  kmq::io::write_file_atomically(
      path("noise.jpg"),
      kmq::io::write_jpeg(kmq::testing::clustered_image(24, 24, {128, 128, 128}, 120, 3), 20));
  const ToolRun skipped =
      run(kEnc + " " + path("noise.jpg") + " -o " + path("n.kmq") + " --skip-if-larger");
  EXPECT_EQ(skipped.exit_code, 98) << skipped.output;
  EXPECT_TRUE(contains(skipped.output, "--skip-if-larger")) << skipped.output;
  EXPECT_FALSE(fs::exists(path("n.kmq")));
  const ToolRun json =
      run(kEnc + " " + path("noise.jpg") + " -o " + path("n.kmq") + " --skip-if-larger --json");
  EXPECT_TRUE(contains(json.output, "\"skipped\": true")) << json.output;
  // Without it the file is written; a terminal hears that it grew.
  const ToolRun noted = run_on_terminal(kEnc + " " + path("noise.jpg") + " -o " + path("n.kmq"));
  EXPECT_EQ(noted.exit_code, 0) << noted.output;
  EXPECT_TRUE(contains(noted.output, "larger than")) << noted.output;
  EXPECT_TRUE(fs::exists(path("n.kmq")));
  // A file that shrinks is written as usual.
  const std::string big = ppm("big.ppm", 64, 64);
  EXPECT_EQ(run(kEnc + " " + big + " -o " + path("b.kmq") + " -k 8 --skip-if-larger").exit_code, 0);
}

}  // namespace
