//! Where the analytics run their parallel parts: on threads the caller owns.
//!
//! Building LexRank's similarity graph splits its rows across cores. The domain spawns no
//! thread for that (a server running one computation per core would otherwise start cores²
//! threads under load): the caller passes a [`Parallelism`], typically one pool shared by every
//! computation of the process, or [`Sequential`] to run everything on the calling thread.

/// One part of an analysis, run once by a [`Parallelism`].
pub type Task<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs the independent parts of an analysis.
///
/// ```
/// use switchboard_domain::analytics::{Parallelism, Sequential, Task};
///
/// let mut sums = [0_u32; 2];
/// let (a, b) = sums.split_at_mut(1);
/// let tasks: Vec<Task<'_>> = vec![Box::new(|| a[0] = 1 + 2), Box::new(|| b[0] = 3 + 4)];
/// Sequential.run(tasks);
/// assert_eq!(sums, [3, 7]);
/// ```
pub trait Parallelism: Sync {
    /// How many parts are worth running at once (1: split nothing).
    fn width(&self) -> usize;

    /// Runs every task, possibly at once, and returns when all are done. A task that panics
    /// may propagate the panic to the caller.
    fn run<'a>(&self, tasks: Vec<Task<'a>>);
}

/// Everything on the calling thread, one part after the other.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sequential;

impl Parallelism for Sequential {
    fn width(&self) -> usize {
        1
    }

    fn run<'a>(&self, tasks: Vec<Task<'a>>) {
        tasks.into_iter().for_each(|task| task());
    }
}

/// The parts run on the pool's threads while the calling thread waits; the pool is built and
/// owned by the caller, typically once per process.
impl Parallelism for rayon::ThreadPool {
    fn width(&self) -> usize {
        self.current_num_threads()
    }

    fn run<'a>(&self, tasks: Vec<Task<'a>>) {
        self.scope(|scope| {
            for task in tasks {
                scope.spawn(move |_| task());
            }
        });
    }
}

/// The results of `parts`, in order, each computed by one task of `parallelism` (a part the
/// parallelism did not run gives `T::default()`).
pub(crate) fn map_parts<T: Send + Default>(
    parallelism: &dyn Parallelism,
    parts: Vec<impl FnOnce() -> T + Send>,
) -> Vec<T> {
    let mut slots: Vec<Option<T>> = parts.iter().map(|_| None).collect();
    let tasks: Vec<Task<'_>> = slots
        .iter_mut()
        .zip(parts)
        .map(|(slot, part)| -> Task<'_> { Box::new(move || *slot = Some(part())) })
        .collect();
    parallelism.run(tasks);
    slots.into_iter().map(Option::unwrap_or_default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_in_order() {
        let parts: Vec<_> = (0..5).map(|i| move || i * 10).collect();
        assert_eq!(map_parts(&Sequential, parts), [0, 10, 20, 30, 40]);
    }
}
