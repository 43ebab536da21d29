//! The interactive prompt, when stdin and stdout are both a terminal: line editing and history
//! from rustyline, and answers that arrive while the user types printed above the prompt through
//! rustyline's external printer, so they never garble the line being edited.

use std::io::{self, Write};

use rustyline::{DefaultEditor, ExternalPrinter, error::ReadlineError};

const PROMPT: &str = "> ";

/// The editing side: one typed line per question.
pub struct Prompt {
    editor: DefaultEditor,
}

impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prompt").finish_non_exhaustive()
    }
}

/// What the user did at the prompt.
#[derive(Debug)]
pub enum Typed {
    Line(String),
    /// Ctrl-D: no more questions.
    End,
    /// Ctrl-C: abandon the conversation.
    Interrupted,
}

impl Prompt {
    /// The prompt and the writer that answers must go through while it is shown.
    pub fn start() -> anyhow::Result<(Prompt, PromptWriter)> {
        let mut editor = DefaultEditor::new()?;
        let printer = editor.create_external_printer()?;
        Ok((
            Prompt { editor },
            PromptWriter {
                printer: Box::new(printer),
                pending: Vec::new(),
            },
        ))
    }

    pub fn read_line(&mut self) -> Typed {
        match self.editor.readline(PROMPT) {
            Ok(line) => {
                if !line.is_empty() {
                    let _ = self.editor.add_history_entry(line.as_str());
                }
                Typed::Line(line)
            }
            Err(ReadlineError::Interrupted) => Typed::Interrupted,
            Err(ReadlineError::Eof) => Typed::End,
            Err(err) => {
                eprintln!("grpc-convo: reading the terminal: {err}");
                Typed::End
            }
        }
    }
}

/// Collects answers and prints each burst above the prompt on flush.
pub struct PromptWriter {
    printer: Box<dyn ExternalPrinter + Send>,
    pending: Vec<u8>,
}

impl std::fmt::Debug for PromptWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptWriter").finish_non_exhaustive()
    }
}

impl Write for PromptWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending.clear();
        self.printer.print(text).map_err(io::Error::other)
    }
}
