//! Order-keeping parallel maps over slices, for the stages whose work is one
//! independent piece per document. A machine of two cores halves them; the
//! outputs (and the first error reported) stay those of a sequential run.

/// Applies `f` to every item on up to `threads` scoped threads, in chunks of
/// at least `min_chunk` items; returns the results in item order, or the
/// error of the first item (in item order) that failed.
pub fn try_map<T, R, E, F>(items: &[T], threads: usize, min_chunk: usize, f: F) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
    F: Fn(&T) -> Result<R, E> + Sync,
{
    let per_thread = items.len().div_ceil(threads.max(1)).max(min_chunk).max(1);
    if items.len() <= per_thread {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Result<Vec<R>, E>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for worker in workers {
            out.extend(join(worker)?);
        }
        Ok(out)
    })
}

/// Runs `f` on every item in place, on one thread per core, and returns
/// what each call returned, in item order.
pub fn map_mut<T, R, F>(items: &mut [T], min_chunk: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(&mut T) -> R + Sync,
{
    let per_thread = items.len().div_ceil(cores()).max(min_chunk).max(1);
    if items.len() <= per_thread {
        return items.iter_mut().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks_mut(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter_mut().map(f).collect::<Vec<R>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// The value of a finished scoped thread; a panic in it goes on in the
/// caller, as if the work had run there.
pub fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_reports_the_first_error() {
        let items: Vec<u32> = (0..100).collect();
        let doubled = try_map(&items, 4, 3, |&i| Ok::<_, u32>(i * 2)).unwrap();
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = try_map(&items, 4, 3, |&i| if i % 30 == 29 { Err(i) } else { Ok(i) });
        assert_eq!(failed, Err(29));
        let mut items = items;
        let old = map_mut(&mut items, 3, |i| {
            *i += 1;
            *i - 1
        });
        assert_eq!(old, (0..100).collect::<Vec<_>>());
        assert_eq!(items, (1..101).collect::<Vec<_>>());
    }
}
