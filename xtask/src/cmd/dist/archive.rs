//! A `kizen` archive as cargo-dist makes them: one folder named as the
//! archive (`kizen-cli-<target>/`) holding the binary, the README and the
//! license texts; `.tar.gz` (`.zip` on Windows, which opens it without a
//! tool), and beside it `<archive>.sha256` in `sha256sum -c`'s format.
//! Entries are sorted and dated 1980-01-01 (zip's first day): the same
//! files give the same archive, byte for byte.

use std::io::{Cursor, Write as _};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::base::error::{Error, Result};

/// 1980-01-01T00:00:00Z, the earliest time zip can record.
const EPOCH: u64 = 315_532_800;

/// One file of an archive.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its name inside the archive's folder.
    pub name: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// The archive named `archive` (its extension decides the format) holding
/// `entries` under one folder named as the archive without extension.
pub fn pack(archive: &str, entries: &[Entry]) -> Result<Vec<u8>> {
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(folder) = archive.strip_suffix(".zip") {
        zip(folder, &entries).map_err(|e| failed(archive, &e))
    } else if let Some(folder) = archive.strip_suffix(".tar.gz") {
        tar_gz(folder, &entries).map_err(|e| failed(archive, &e))
    } else {
        Err(failed(
            archive,
            &"expected a name ending in .tar.gz or .zip",
        ))
    }
}

fn tar_gz(folder: &str, entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let gzip = flate2::GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gzip);
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(entry.bytes.len() as u64);
        header.set_mode(if entry.executable { 0o755 } else { 0o644 });
        header.set_mtime(EPOCH);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(
            &mut header,
            format!("{folder}/{}", entry.name),
            entry.bytes.as_slice(),
        )?;
    }
    tar.into_inner()?.finish()
}

fn zip(folder: &str, entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for entry in entries {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if entry.executable { 0o755 } else { 0o644 });
        zip.start_file(format!("{folder}/{}", entry.name), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(&entry.bytes)?;
    }
    Ok(zip.finish().map_err(std::io::Error::other)?.into_inner())
}

/// `<sha256>  <archive>`, as `sha256sum` prints it and `sha256sum -c` reads it.
pub fn checksum_line(archive: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}  {archive}\n")
}

/// Writes the archive and then its checksum file into `out`, each whole
/// or not at all (a temporary file renamed into place): a checksum file
/// only ever sits beside the archive it describes. Returns both paths.
pub fn write(out: &Path, archive: &str, bytes: &[u8]) -> Result<[PathBuf; 2]> {
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let path = out.join(archive);
    let sums = out.join(format!("{archive}.sha256"));
    put(&path, bytes)?;
    put(&sums, checksum_line(archive, bytes).as_bytes())?;
    Ok([path, sums])
}

fn put(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // 0666 less the umask, as any new file (tempfile's default is 0600).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| Error::io(file.path(), e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

fn failed(archive: &str, error: &dyn std::fmt::Display) -> Error {
    Error::Command {
        command: "dist build".into(),
        message: format!("{archive}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    fn entries() -> Vec<Entry> {
        vec![
            Entry {
                name: "kizen".into(),
                bytes: b"\x7fELF binary".to_vec(),
                executable: true,
            },
            Entry {
                name: "README.md".into(),
                bytes: b"# kizen\n".to_vec(),
                executable: false,
            },
        ]
    }

    #[test]
    fn a_tar_gz_holds_one_folder_with_modes_and_is_reproducible() -> std::io::Result<()> {
        let name = "kizen-cli-x86_64-unknown-linux-gnu.tar.gz";
        let bytes = pack(name, &entries()).map_err(std::io::Error::other)?;
        let again = pack(name, &entries()).map_err(std::io::Error::other)?;
        assert_eq!(bytes, again, "the same files make the same archive");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut seen = Vec::new();
        for entry in tar.entries()? {
            let mut entry = entry?;
            let path = entry.path()?.display().to_string();
            let mode = entry.header().mode()?;
            let mut text = Vec::new();
            entry.read_to_end(&mut text)?;
            seen.push((path, mode, text));
        }
        assert_eq!(
            seen,
            [
                (
                    "kizen-cli-x86_64-unknown-linux-gnu/README.md".to_string(),
                    0o644,
                    b"# kizen\n".to_vec()
                ),
                (
                    "kizen-cli-x86_64-unknown-linux-gnu/kizen".to_string(),
                    0o755,
                    b"\x7fELF binary".to_vec()
                ),
            ]
        );
        Ok(())
    }

    #[test]
    fn a_zip_holds_one_folder_and_is_reproducible() -> std::io::Result<()> {
        let name = "kizen-cli-x86_64-pc-windows-msvc.zip";
        let bytes = pack(name, &entries()).map_err(std::io::Error::other)?;
        assert_eq!(
            bytes,
            pack(name, &entries()).map_err(std::io::Error::other)?
        );
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(std::io::Error::other)?;
        assert_eq!(zip.len(), 2);
        let mut kizen = zip
            .by_name("kizen-cli-x86_64-pc-windows-msvc/kizen")
            .map_err(std::io::Error::other)?;
        let mut text = Vec::new();
        kizen.read_to_end(&mut text)?;
        assert_eq!(text, b"\x7fELF binary");
        Ok(())
    }

    #[test]
    fn the_checksum_line_is_sha256sums() {
        assert_eq!(
            checksum_line("a.tar.gz", b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.tar.gz\n"
        );
        let err = pack("kizen.rar", &entries()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("`dist build` failed: kizen.rar: expected a name ending in .tar.gz or .zip".into())
        );
    }
}
