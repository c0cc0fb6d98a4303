//! Vocabulary for synthetic papers. The topic phrases carry the keywords
//! of the built-in tagging rules (`src/tagging/rules.toml`), so generated papers
//! get realistic tags and tag pages of realistic sizes.

/// (task as a title phrase, the same in running text).
pub const TASKS: &[(&str, &str)] = &[
    ("Speech Recognition", "automatic speech recognition (ASR)"),
    ("Text-to-Speech Synthesis", "text-to-speech (TTS) synthesis"),
    (
        "Speaker Verification",
        "speaker verification from spoken audio",
    ),
    ("Music Generation", "music generation from text prompts"),
    ("Audio Codecs", "neural audio codec design"),
    ("Image Segmentation", "semantic image segmentation"),
    ("Object Detection", "open-vocabulary object detection"),
    ("Video Generation", "text-to-video generation"),
    ("Video Understanding", "long video understanding"),
    (
        "Vision-Language Models",
        "multimodal vision language models (VLMs)",
    ),
    ("Text-to-Image Generation", "text to image generation"),
    ("Large Language Models", "large language models (LLMs)"),
    (
        "Instruction Tuning",
        "instruction tuning of language models",
    ),
    ("Code Generation", "code generation and program synthesis"),
    (
        "Software Engineering Agents",
        "software engineering with LLM agents",
    ),
    (
        "Post-Training Quantization",
        "post-training quantization to 4 bit",
    ),
    ("Low-Bit Inference", "low bit quantized inference"),
    (
        "Knowledge Distillation",
        "knowledge distillation and pruning",
    ),
    (
        "Model Compression",
        "model compression with low rank sparsity",
    ),
    ("Diffusion Models", "denoising diffusion models"),
    ("Flow Matching", "flow matching for generative modeling"),
    (
        "Reinforcement Learning",
        "reinforcement learning from human feedback",
    ),
    ("Robotic Manipulation", "robotic manipulation policies"),
    (
        "Mathematical Reasoning",
        "mathematical reasoning with chain-of-thought",
    ),
    (
        "Retrieval-Augmented Generation",
        "retrieval-augmented generation (RAG)",
    ),
    (
        "3D Reconstruction",
        "3D scene reconstruction with Gaussian splatting",
    ),
    ("Time Series Forecasting", "time series forecasting"),
    ("Machine Translation", "multilingual machine translation"),
    ("Graph Learning", "graph neural networks"),
    (
        "Federated Learning",
        "privacy-preserving federated learning",
    ),
];

pub const METHODS: &[&str] = &[
    "Transformers",
    "State Space Models",
    "Mixture-of-Experts",
    "Adapters",
    "Tokenizers",
    "Encoders",
    "Decoders",
    "Autoencoders",
    "Reward Models",
    "Agents",
    "Retrievers",
    "Attention",
    "Embeddings",
    "Policies",
    "World Models",
];

pub const ADJECTIVES: &[&str] = &[
    "Efficient",
    "Scalable",
    "Robust",
    "Unified",
    "Sparse",
    "Hierarchical",
    "Adaptive",
    "Contrastive",
    "Self-Supervised",
    "Lightweight",
    "Streaming",
    "Multilingual",
    "Causal",
    "Controllable",
    "Open",
    "Long-Context",
    "Zero-Shot",
    "Few-Shot",
    "Parameter-Efficient",
    "Latent",
];

pub const TECHNIQUES: &[&str] = &[
    "Token Merging",
    "Curriculum Learning",
    "Preference Optimization",
    "Speculative Decoding",
    "Synthetic Data",
    "Self-Distillation",
    "Rotary Embeddings",
    "Cross-Attention",
    "Masked Modeling",
    "Low-Rank Adaptation",
    "Test-Time Scaling",
    "Dynamic Routing",
    "Memory Replay",
    "Contrastive Pre-training",
];

pub const SYLLABLES: &[&str] = &[
    "Omni", "Flux", "Vid", "Gen", "Mamba", "Lla", "Dit", "Sam", "Clip", "Ret", "Flow", "Quant",
    "Auto", "Vox", "Code", "Math", "Agent", "Mo", "Ra", "Lo", "Nerf", "Gauss", "Dream", "Hyper",
    "Meta", "Uni", "Any", "Long", "Sparse", "Tok", "Byte", "Pixel", "Wave", "Star", "Zip", "Echo",
];

pub const SUFFIXES: &[&str] = &["", "", "", "", "-7B", "2", "-XL", "++", "-R1", "-Lite", "3"];

pub const BENCHMARKS: &[&str] = &[
    "LibriSpeech",
    "ImageNet",
    "COCO",
    "MMLU",
    "GSM8K",
    "HumanEval",
    "SWE-bench",
    "ADE20K",
    "Kinetics-400",
    "MATH",
    "WMT",
    "GLUE",
    "VQAv2",
    "MT-Bench",
    "LongBench",
];

pub const METRICS: &[&str] = &[
    "accuracy",
    "word error rate",
    "FID",
    "mIoU",
    "pass@1",
    "BLEU",
    "throughput",
    "latency",
    "win rate",
    "perplexity",
];

pub const LIMITATIONS: &[&str] = &[
    "computationally expensive",
    "brittle under distribution shift",
    "limited to short inputs",
    "hard to scale",
    "data hungry",
    "difficult to control",
    "slow at inference time",
];

pub const GOALS: &[&str] = &[
    "reduce memory usage without sacrificing quality",
    "generalize to unseen domains",
    "improve sample efficiency",
    "handle much longer contexts",
    "make training stable at scale",
    "close the gap with proprietary systems",
    "run on a single consumer GPU",
];

pub const FILLERS: &[&str] = &[
    "Extensive experiments show that the method is simple to implement and scales favorably with model size and data.",
    "We further provide a detailed ablation study that isolates the contribution of each component.",
    "Our analysis reveals that the training signal, rather than the architecture, explains most of the improvement.",
    "The approach requires no additional labeled data and adds negligible overhead at inference.",
    "We also release a new benchmark to measure progress on this problem in a reproducible way.",
    "Qualitative results highlight failure modes of existing systems that our method avoids.",
    "These findings suggest a practical recipe for practitioners with limited compute budgets.",
    "Human evaluation confirms that the outputs are preferred over those of strong baselines.",
];

/// Organization lines as the listings print them: handle, then display name.
pub const ORGANIZATIONS: &[&str] = &[
    "kyutai Kyutai",
    "google Google",
    "meta-llama Meta Llama",
    "microsoft Microsoft",
    "nvidia NVIDIA",
    "allenai Ai2",
    "Qwen Qwen",
    "deepseek-ai DeepSeek",
    "mistralai Mistral AI",
    "huggingface Hugging Face",
];

pub const OWNERS: &[&str] = &[
    "thuml",
    "baaivision",
    "facebookresearch",
    "google-research",
    "microsoft",
    "NVlabs",
    "openai",
    "huggingface",
    "OpenGVLab",
    "QwenLM",
    "ml-lab",
    "kyutai-labs",
];

/// Bits of LaTeX the real dumps carry (see the design brief).
pub const LATEX_DEBRIS: &[&str] = &[
    "improves accuracy by 12.4\\% on average",
    "is \\emph{provably} more stable",
    "follows the setup of Rozi\\`ere et al.",
    "uses data from \\url{https://example.org/data}",
    "with details {here}",
    "reaches $O(n \\log n)$ complexity",
];
